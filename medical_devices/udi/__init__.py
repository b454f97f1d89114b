"""The UDI module: the code parser (pure Python, no Frappe) and the device identifier doctypes."""

from medical_devices.udi.parser import UDI, UDIError, check_di, parse_udi

__all__ = ["UDI", "UDIError", "check_di", "parse_udi"]
