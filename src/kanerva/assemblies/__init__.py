"""The assembly calculus (Papadimitriou, Vempala, Mitropolsky, Collins & Maass 2020, "Brain
computation by assemblies of neurons", PNAS 117:14464-14472): brain areas as random graphs
G(n, p), the k-cap, Hebbian plasticity, and the operations built from them — project,
reciprocal project, associate, merge, pattern completion.

Examples
--------
>>> from kanerva.assemblies import Brain, project
>>> brain = Brain(p=0.05, seed=1)
>>> brain.add_stimulus("s", k=25)
>>> brain.add_area("A", n=2_000, k=25, beta=0.1)
>>> assembly = project(brain, "s", "A", rounds=10)
>>> len(assembly), brain.area("A").support < 150
(25, True)
"""

from .brain import Area, Brain, Stimulus
from .operations import associate, complete, merge, overlap, project, reciprocal_project

__all__ = ["Brain", "Area", "Stimulus", "project", "reciprocal_project", "associate", "merge", "complete",
           "overlap"]
