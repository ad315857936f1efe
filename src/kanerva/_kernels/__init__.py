"""The compiled kernels of kanerva: numba functions and hand-written LLVM IR, one room for all.

Every ``@numba.njit`` function, every numba ``@intrinsic`` and every LLVM IR helper of the
library lives here, grouped by meaning, one module each; each module's docstring states its API
(what each public function computes, the shapes and dtypes it takes, and how exact it is).

Modules
-------
``bits``
    The packed-bit layout (``n_words``, ``pad_mask``, ``pack``, ``unpack``), ``popcount64``, the
    fused Hamming kernels (``hamming_matrix``, ``hamming_rows``, ``hamming_topk``,
    ``merge_topk``) and the shared worker threads (``thread_pool``).
``simd``
    Building blocks for intrinsics that emit explicit 8-lane vector code, and prefetching.
``counts``
    Bit-sliced counting of set bits per position (BSC bundling).
``projection``
    Packed +-1 rows times real matrices by byte lookups (``weighted_bundle``, ``bit_table``),
    and the rows themselves as float32 (``bipolar_rows``).
``text``
    Lowercasing code points through a table; the lines of UTF-8 bytes.
``ngram_counts``
    Letter ids, n-gram codes, the hash tables of distinct codes (counting, ``CodeTable``).
``rowsum``
    Sums of table rows picked by row numbers, 8-lane vectors in registers.
``ngram_scores``
    The n-gram classifier's examples, scores and perceptron passes.
``hopfield``
    The Hebbian step by table lookups, asynchronous and Storkey updates, the synchronous +-1
    update of the dense models.
``dense``
    The asynchronous update of the dense associative memory.
``sdm``
    Nearest-location selection, saturating counters and the bit-sliced radius test of the
    sparse distributed memory.
``flyhash``
    FlyHash's expansion and winner-take-all.
``learning_rules``
    The online loops of the self-organizing map and competitive learning, the Gibbs sweeps of
    the Boltzmann machine, and the Lasso's coordinate descent on a Gram matrix (sparse codes).
``neuro``
    One step (or many) of a network of LIF neurons with delta synapses and Poisson input.

The rule of the room: a kernel holds no model logic and imports nothing from the rest of
kanerva (only numpy, numba, llvmlite and the other modules here). Models call kernels, never the
other way round: a reader fixing a learning rule reads the model file, a reader tuning a loop
reads the kernel. ``tests/test_layers.py`` checks the rule.

``kanerva._kernels`` belongs to the root package, so every package of kanerva may import it; its
modules' public names (no leading underscore) are the API, the private ones stay here.
"""
