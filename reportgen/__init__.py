"""reportgen: quarterly council performance reports from YAML to accessible PDF and HTML."""

__version__ = "0.1.0"
