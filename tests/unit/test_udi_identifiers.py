import datetime

import pytest

from medical_devices.udi import UDIError, check_di

D = datetime.date


@pytest.mark.parametrize(
	("di", "issuer", "canonical"),
	[
		("06901234567892", "GS1", "06901234567892"),
		("6901234567892", "GS1", "06901234567892"),  # GTIN-13 is stored as GTIN-14
		(" 06901234567892 ", "GS1", "06901234567892"),
		("a123bjc5d6e71", "HIBCC", "A123BJC5D6E71"),
		("MA.156.M0.100761.21234561", "MA", "MA.156.M0.100761.21234561"),
		("MF12345678", "AHM", "MF12345678"),
	],
)
def test_valid_device_identifiers(di, issuer, canonical):
	assert check_di(di, issuer) == canonical


@pytest.mark.parametrize(
	("di", "issuer", "message"),
	[
		("06901234567893", "GS1", "check digit"),
		("06901234567", "GS1", "GTIN of 8, 12, 13 or 14"),
		("069012345678AB", "GS1", "GTIN of 8, 12, 13 or 14"),
		("1234BJC5D6E71", "HIBCC", "labeler"),
		("MA.156.M0.100761", "MA", "starts with MA"),
		("MF1234567890ABCD", "AHM", "at most 13"),
		("06901234567892", "EAN", "Unknown issuing agency"),
		("", "GS1", "GTIN"),
	],
)
def test_invalid_device_identifiers(di, issuer, message):
	with pytest.raises(UDIError, match=message):
		check_di(di, issuer)
