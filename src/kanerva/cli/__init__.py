"""The `kanerva` command line."""
