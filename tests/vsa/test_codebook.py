"""Codebook cleanup and Space.nearest (top-k), in every model."""

import numpy as np
import pytest

import kanerva as kv


@pytest.mark.parametrize("model", sorted(kv.MODELS))
def test_nearest_equals_sorting_the_similarity_matrix(model):
    s = kv.MODELS[model](kv.MODELS[model].round_dim(700), seed=5)
    stored = s.random(300)
    stored[17] = stored[3]  # a tie: the lower row must come first
    queries = s.random(6)
    queries[0] = stored[3]
    sims, idx = s.nearest(queries, stored, k=10)
    full = np.asarray(s.similarity(queries, stored))
    order = np.argsort(-full, axis=1, kind="stable")[:, :10]
    assert np.array_equal(idx, order)
    assert np.allclose(sims, np.take_along_axis(full, order, axis=1), atol=1e-6)
    assert idx[0, 0] == 3 and idx[0, 1] == 17


@pytest.mark.parametrize("model", sorted(kv.MODELS))
def test_cleanup_of_noisy_vectors_in_batches(model):
    s = kv.MODELS[model](kv.MODELS[model].round_dim(2_000), seed=1)
    cb = kv.Codebook(s, [f"sym{i}" for i in range(500)])
    noisy = s.bundle(np.stack([cb.encode(["sym7", "sym9", "sym400"]), s.random(3), s.random(3)], axis=1))
    assert cb.cleanup(noisy) == ["sym7", "sym9", "sym400"]
    top = cb.cleanup(noisy[0], k=3)
    # a bundle of three keeps about half of each member in the dense models, a third in SBC (one of
    # the three per block; here 31 blocks, so the share varies)
    assert top[0][0] == "sym7" and top[0][1] > (0.1 if model == "sbc" else 0.3) and len(top) == 3
    assert top[0][1] >= top[1][1] >= top[2][1]
    assert len(cb.cleanup(noisy[0], k=500)) == 500
    with pytest.raises(ValueError, match="between 1 and the 500"):  # the index family's rule
        cb.cleanup(noisy[0], k=501)
