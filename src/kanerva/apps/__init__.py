"""kanerva.apps"""
