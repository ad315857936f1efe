"""`kanerva langid` subcommands: train, evaluate, predict, demo, plot. Parse, call, print."""

from __future__ import annotations

import json
import sys

import click

from ..vsa import MODELS
from ._options import SEED, OutputFile, fail

_fail = fail


def _load(path):
    from ..apps.langid.model import load_model
    from ..io import ModelFileError

    try:
        return load_model(path)
    except ModelFileError as exc:
        _fail(exc)


@click.group()
def langid() -> None:
    """Language identification from letter n-gram hypervectors."""


@langid.command()
@click.argument("corpus_dir", type=click.Path(file_okay=False))
@click.option("-o", "--output", "model_path", required=True, type=OutputFile(), help="Model file to write.")
@click.option("--ngram", type=int, multiple=True, help="N-gram size; repeat for a mixture (default 3 and 4).")
@click.option("--dim", type=int, help="Dimension of the hypervectors.")
@click.option("--model", type=click.Choice(sorted(MODELS)), help="Hypervector model.")
@click.option("--seed", type=SEED, help="Seed of the letter vectors.")
@click.option("--epochs", type=int, help="Retraining passes (0: plain class profiles; default 2).")
@click.option("--min-count", type=int, help="Leave out n-grams seen fewer times (default 4; lower it for a small corpus).")
@click.option("--workers", type=int, help="Start a Dask LocalCluster with this many workers.")
@click.option("--scheduler", help="Use the Dask cluster at this address (tcp://host:port).")
def train(corpus_dir, model_path, ngram, dim, model, seed, epochs, min_count, workers, scheduler):
    """Train on CORPUS_DIR (<label>.txt files, one text per line) and write the model."""
    from tqdm import tqdm

    from ..apps.langid.model import save_model, train_corpus

    if workers is not None and scheduler is not None:
        _fail(ValueError("give --workers or --scheduler, not both"))
    stats: dict = {}
    try:
        with tqdm(desc="training", unit="chunk", file=sys.stderr) as bar:
            clf = train_corpus(corpus_dir, workers=workers, scheduler=scheduler, progress=bar.update,
                               stats=stats, ngram=tuple(ngram) or None, dim=dim, model=model, seed=seed,
                               epochs=epochs, min_count=min_count)
        save_model(clf, model_path)
    except (ValueError, TypeError, ImportError, OSError) as exc:
        _fail(exc)
    bad = sum(s.decode_errors for s in stats.values())
    empty = sum(s.empty_lines for s in stats.values())
    click.echo(f"{len(clf.classes_)} labels, {clf.n_chars_:,} characters, {clf.vocabulary_.size:,} n-grams "
               f"({100 * clf.vocabulary_coverage_:.1f}% of the n-grams in the text); "
               f"skipped {empty} empty lines, replaced {bad} undecodable bytes; wrote {model_path}")
    for file_stats in stats.values():  # which files: a file in another encoding shows up here
        if file_stats.decode_errors:
            click.echo(f"  {file_stats.path.name}: {file_stats.decode_errors} undecodable bytes in "
                       f"{file_stats.lines:,} lines (is it UTF-8?)",
                       err=True)
    if clf.vocabulary_coverage_ < 0.5:
        click.echo(f"warning: n-grams seen at least {clf.min_count} times are only "
                   f"{100 * clf.vocabulary_coverage_:.1f}% of the training n-grams: the corpus is small for "
                   f"this threshold; lower --min-count", err=True)


@langid.command()
@click.argument("model_path", type=click.Path(dir_okay=False))
@click.argument("test_dir", type=click.Path(file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def evaluate(model_path, test_dir, as_json):
    """Accuracy of MODEL on TEST_DIR: overall, per label, confusions, speed."""
    from ..apps.langid.evaluate import evaluate_corpus

    clf = _load(model_path)
    try:
        report = evaluate_corpus(clf, test_dir)
    except ValueError as exc:
        _fail(exc)
    if as_json:
        click.echo(json.dumps(report))
        return
    click.echo(f"accuracy {100 * report['accuracy']:.2f}% on {report['n']} texts "
               f"({report['sentences_per_second']:,.0f} texts/s)")
    for label, acc in report["per_label"].items():
        wrong = ", ".join(f"{k}:{v}" for k, v in report["confusions"].get(label, {}).items())
        click.echo(f"  {label:<8}{100 * acc:7.2f}%  {('confused with ' + wrong) if wrong else ''}")
    if report["unknown_labels"]:
        click.echo(f"labels the model does not know (not scored): {report['unknown_labels']}")
    if report["no_label"]:
        click.echo(f"{report['no_label']} texts hold no n-gram the model knows: no label, counted wrong ('-')")
    if report["decode_errors"] or report["empty_lines"]:
        click.echo(f"skipped {report['empty_lines']} empty lines, replaced {report['decode_errors']} undecodable bytes")


@langid.command()
@click.argument("model_path", type=click.Path(dir_okay=False))
@click.argument("text", nargs=-1)
@click.option("--top", default=1, show_default=True, help="Show the K best labels.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def predict(model_path, text, top, as_json):
    """Label of each TEXT (or of each line of stdin) with its similarity."""
    from ..apps.langid.evaluate import identify

    clf = _load(model_path)
    if text:  # bytes of an argument that were not UTF-8 arrive as surrogate escapes
        raws = [arg.encode("utf-8", errors="surrogateescape") for arg in text]
    else:
        data = sys.stdin.buffer.read()
        if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
            _fail(ValueError("stdin looks like UTF-16 (a byte-order mark or NUL bytes): convert it to UTF-8, "
                             "as the corpus reader expects (iconv -f UTF-16 -t UTF-8)"))
        raws = [raw.rstrip(b"\r") for raw in data.split(b"\n")]
        if raws and raws[-1] == b"" and data.endswith(b"\n"):
            raws.pop()  # the newline that ends the last line
        if raws and raws[0].startswith(b"\xef\xbb\xbf"):
            raws[0] = raws[0][3:]  # a UTF-8 byte-order mark is not text (the corpus reader drops it too)
    texts = [raw.decode("utf-8", errors="replace") for raw in raws]
    # count only the replacements, not U+FFFD characters really in the input
    bad = sum(t.count("\ufffd") - raw.count(b"\xef\xbf\xbd") for t, raw in zip(texts, raws))
    try:
        results = identify(clf, texts, top=top)
    except ValueError as exc:
        _fail(exc)
    for r in results:
        if as_json:
            click.echo(json.dumps(r, ensure_ascii=False))
        elif top == 1:
            click.echo(f"{r['label'] or '-'}\t{r['similarity']:.3f}")
        else:
            click.echo("\t".join(f"{lab} {sim:.3f}" for lab, sim in r["top"]) or "-\t0.000")
    if bad:
        click.echo(f"replaced {bad} undecodable bytes", err=True)


@langid.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def demo(as_json):
    """Train on the shipped 21-language corpus, evaluate on its test split and on UDHR."""
    from pathlib import Path

    from ..apps.langid.evaluate import demo as run_demo
    from ..apps.langid.evaluate import demo_table

    result = run_demo()
    if as_json:
        click.echo(json.dumps(result))
        return
    for line in demo_table(result, _peers(Path(__file__).resolve().parents[3] / "benchmarks/results/langid_peers.json")):
        click.echo(line)


def _peers(path) -> dict | None:
    """The peers' accuracies of a source checkout (``python -m benchmarks.langid_peers``), or None
    when there is no such file or it does not hold what the table needs."""
    try:
        peers = json.loads(path.read_text(encoding="utf-8"))
        for split in ("test", "udhr"):
            for name, run in peers.get(split, {}).items():
                float(run["accuracy"])
                [float(v) for v in run.get("per_label", {}).values()]
        return peers
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


@langid.command()
@click.argument("model_path", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=OutputFile(), help="PNG file to write.")
def plot(model_path, output):
    """Language geometry: clustered similarity heatmap of the class profiles."""
    from ..apps.langid.plot import plot_geometry

    clf = _load(model_path)
    try:
        order = plot_geometry(clf, output)
    except (ValueError, ImportError, OSError) as exc:
        _fail(exc)
    click.echo(f"wrote {output} (order: {' '.join(order)})")
