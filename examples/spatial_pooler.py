"""
Sparse distributed representations of digits: the HTM spatial pooler
=====================================================================

The spatial pooler (Cui, Ahmad & Hawkins 2017) turns binary input into a sparse distributed
representation: of its columns, a fixed few win for each input (k-winners-take-all), those
whose synapses best match it, and learning moves the winners' synapses toward the input while
boosting keeps every column in use. Digits of one class share many active columns, digits of
different classes few, and a linear classifier on the SDRs does better than on the pixels.
Here: htm.core's MNIST settings on a 40 x 40 grid of columns (10% active), trained on 1,500
digits for one pass (``benchmarks/structures_htm.py`` runs the full set).
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression

from kanerva.datasets import load_mnist
from kanerva.learn import SpatialPooler
from kanerva.learn.sdr import false_match_probability

images, labels = load_mnist("train")
test_images, test_labels = load_mnist("test")


def encode(x):
    """htm.core's encoder: a pixel is on where it is at least the image's mean."""
    x = x.reshape(len(x), -1).astype(np.float32)
    return (x >= x.mean(axis=1, keepdims=True)).astype(np.uint8)


train, test = encode(images[:1500]), encode(test_images[:600])
sp = SpatialPooler(n_columns=(40, 40), sparsity=0.1, input_shape=(28, 28), potential_radius=5, potential_pct=0.2,
                   boost_strength=7.0, duty_cycle_period=1402, min_pct_overlap_duty_cycle=0.2,
                   stimulus_threshold=6, syn_perm_active_inc=0.14, syn_perm_connected=0.5,
                   syn_perm_inactive_dec=0.02, random_state=0)
sdr_train = sp.fit_transform(train)
sdr_test = sp.transform(test)
print(f"at most {sp.n_active_} of {sdr_train.shape[1]} columns active for a digit (the stimulus threshold "
      f"drops weak winners): {int(sdr_test.sum(axis=1).min())} to {int(sdr_test.sum(axis=1).max())}")

same = [(sdr_test[i] & sdr_test[j]).sum() for i in range(300) for j in range(i + 1, 300)
        if test_labels[i] == test_labels[j]]
other = [(sdr_test[i] & sdr_test[j]).sum() for i in range(300) for j in range(i + 1, 300)
         if test_labels[i] != test_labels[j]]
print(f"mean overlap of two SDRs: same digit {np.mean(same):.1f}, different digits {np.mean(other):.1f} columns")
print(f"false match of two random 160-of-1,600 SDRs at >= 60 shared columns: "
      f"{false_match_probability(1600, 160, 60):.1e}")

pixels = LogisticRegression(max_iter=500).fit(train, labels[:1500]).score(test, test_labels[:600])
pooled = LogisticRegression(max_iter=500).fit(sdr_train, labels[:1500]).score(sdr_test, test_labels[:600])
print(f"linear classifier on 1,500 digits: pixels {pixels:.1%}, spatial pooler SDRs {pooled:.1%}")

fig, axes = plt.subplots(2, 6, figsize=(9, 3.4))
for col, i in enumerate([0, 1, 2, 10, 11, 12]):
    axes[0, col].imshow(test[i].reshape(28, 28), cmap="gray_r")
    axes[1, col].imshow(sdr_test[i].reshape(40, 40), cmap="gray_r")
    axes[0, col].set_title(f"digit {test_labels[i]}", fontsize=9)
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
axes[0, 0].set_ylabel("input")
axes[1, 0].set_ylabel("SDR")
fig.suptitle("MNIST digits and their spatial-pooler SDRs (40 x 40 columns)")
fig.tight_layout()
