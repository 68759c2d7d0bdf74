# Mongolian conventions: ISO-like year-first dates with dots, 24-hour clock.
DATE_FORMAT = "Y.m.d"
SHORT_DATE_FORMAT = "Y.m.d"
DATETIME_FORMAT = "Y.m.d H:i"
SHORT_DATETIME_FORMAT = "Y.m.d H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "Y.m"
MONTH_DAY_FORMAT = "m.d"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%Y.%m.%d", "%Y-%m-%d"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
