from medical_devices.md_finance.trends import chart_source, working_capital_chart

get = chart_source(working_capital_chart)
