"""kanerva.memory"""
