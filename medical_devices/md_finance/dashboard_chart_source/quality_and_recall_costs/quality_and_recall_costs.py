from medical_devices.md_finance.trends import chart_source, cost_chart

get = chart_source(cost_chart)
