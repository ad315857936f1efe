"""kanerva.learn"""
