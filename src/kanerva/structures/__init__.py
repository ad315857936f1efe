"""kanerva.structures"""
