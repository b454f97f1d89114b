"""Temperature logger CSV files as loggers really write them."""

import datetime

import pytest

from medical_devices.gsp.logger_csv import LoggerCSVError, parse_logger_csv


def test_english_comma_file_with_one_timestamp_column():
	readings = parse_logger_csv(
		"Timestamp,Temperature (°C),Humidity (%)\n2026-11-01 08:00,4.2,60\n2026-11-01 07:30,3.9,\n"
	)
	assert [(r.reading_time.hour, r.temperature, r.humidity) for r in readings] == [
		(7, 3.9, None),
		(8, 4.2, 60.0),
	]


def test_chinese_semicolon_file_with_preamble_bom_and_decimal_commas():
	text = "\ufeff设备;LOG-1\n日期;时间;温度℃\n2026/11/01;08:00:00;4,5\n2026/11/01;08:05:00;-1,25\n"
	readings = parse_logger_csv(text.encode("utf-8"))
	assert (
		readings[1].reading_time == datetime.datetime(2026, 11, 1, 8, 5) and readings[1].temperature == -1.25
	)


def test_gb18030_tab_file():
	text = "记录时间\t温度(℃)\n2026年11月01日 08:00\t5℃\n"
	assert parse_logger_csv(text.encode("gb18030"))[0].temperature == 5.0


@pytest.mark.parametrize(
	("text", "message"),
	[
		("", "The file is empty."),
		("a,b\n1,2\n", "No header with a time and a temperature column was found."),
		("time,temp\n", "The file has a header but no readings."),
		("time,temp\n2026-11-01 08:00,warm\n", "Line 2: 'warm' is not a temperature"),
		("time,temp\nyesterday,4\n", "Line 2: 'yesterday' is not a date and time such as 2026-11-28 08:30"),
		("time,temp\n2026-11-01 08:00\n", "Line 2: a column is missing."),
	],
)
def test_bad_files_name_the_problem_and_the_line(text, message):
	with pytest.raises(LoggerCSVError) as error:
		parse_logger_csv(text)
	assert str(error.value) == message
	chinese = {
		"Line {line}: {problem}": "第 {line} 行：{problem}",
		"'{text}' is not a temperature": "“{text}”不是温度",
	}
	translated = error.value.translated(lambda s: chinese.get(s, s))
	if message == "Line 2: 'warm' is not a temperature":
		assert translated == "第 2 行：“warm”不是温度"
