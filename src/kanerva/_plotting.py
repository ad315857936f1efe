"""matplotlib for the figures of every family, loaded on first use (the ``[plot]`` extra) with the
Agg backend, so that a figure can be written without a display."""


def pyplot():
    """``matplotlib.pyplot`` with the Agg backend, or an ImportError saying how to install it."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError("plotting needs matplotlib: pip install 'kanerva[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
