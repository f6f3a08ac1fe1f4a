"""`python -m bench.run --targets`: the subset issue 14's targets read, with explicit options still winning."""

from bench.run import REPO, parse_args


def test_targets_measures_only_what_the_targets_read():
    args = parse_args(["--targets"])
    assert (args.sizes, args.modes, args.peers, args.reference_size) == ("100k,1m", "unconstrained", "none", "none")
    assert args.demo_noop and not args.noop_runs and args.scenarios  # the demo no-op and both scenarios stay
    assert (args.full_repeats, args.full_repeats_max_size) == (2, "100k")  # CPU at 100k: a median of 3
    assert args.out == REPO / "bench" / "results" / "targets"  # never over the full run's latest.md


def test_an_option_given_with_targets_wins_and_without_it_nothing_changes():
    assert parse_args(["--targets", "--sizes", "10k", "--scenarios", "none"]).sizes == "10k"
    plain = parse_args([])
    assert (plain.sizes, plain.peers, plain.out) == ("10k,100k,1m", "singer,airbyte", REPO / "bench" / "results")
