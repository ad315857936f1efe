"""kanerva.index"""
