#!/usr/bin/env python3
"""PyTorch peers of s4-bench's fft and blocks suites, measured on the same machine.

Prints a Markdown table of the same measurements s4-bench makes (same names, shapes and
record format), timed with PyTorch limited to the same thread count, so that the anchors in
Benchmarks/RESULTS.md can be re-taken on any machine:

    make peers                      # venv in .build-peers, CPU wheel of torch, this script
    python3 pytorch_peers.py --json peers.json --threads 2
    python3 pytorch_peers.py --s4-source s4/models/s4/s4.py --lengths 1024 4096

With `--s4-source`, the official S4 block is timed too: the standalone module
`models/s4/s4.py` of a checkout of https://github.com/state-spaces/s4, imported from that path
(it is not part of this repository). Its S4Block is built as s4-bench builds its S4 block
(d_state 64, GELU, Linear H -> 2H + GLU, no dropout), in `dplr` mode for `blocks.s4.*` and `diag`
mode for `blocks.s4d.*`, and its recurrent `step` is timed as `generate.<kind>.block_step`.
On a CPU without pykeops or the CUDA extension the module uses its naive Cauchy and Vandermonde
kernels, which is what a user of the reference gets there.

`forward` runs under torch.no_grad() (s4-bench's forward is inference without a tape);
`forward_backward` runs the forward with autograd and back-propagates a fixed random output
gradient, as s4-bench does. This script is not part of the library or its tests.
"""

import argparse
import importlib.util
import json
import os
import statistics
import sys
import time
import types

import torch


def measure(body, budget_seconds, minimum_repetitions):
    """Times `body` after two warm-up calls until the budget is spent (at least the minimum)."""
    body()
    body()
    times = []
    started = time.perf_counter()
    while len(times) < minimum_repetitions or time.perf_counter() - started < budget_seconds:
        begin = time.perf_counter()
        body()
        times.append(time.perf_counter() - begin)
    return times


def record(name, params, times, throughput, peer):
    """One record in s4-bench's JSON format, with the peer's name and version added."""
    median = statistics.median(times)
    result = {
        "name": name,
        "params": params,
        "median_seconds": median,
        "min_seconds": min(times),
        "max_seconds": max(times),
        "repetitions": len(times),
        "peer": peer,
    }
    for key, per_second in throughput.items():
        result[key] = per_second / median
    return result


def fft_records(budget, peer):
    """`torch.fft.rfft` / `irfft` over the rows of (batch, 8192) Float32 arrays."""
    records = []
    for batch in (256, 2048):
        length = 8192
        signal = torch.randn(batch, length)
        spectrum = torch.fft.rfft(signal, dim=-1)
        params = {"batch": batch, "length": length}
        samples = batch * length
        for name, body in (
            ("fft.forward", lambda: torch.fft.rfft(signal, dim=-1)),
            ("fft.inverse", lambda: torch.fft.irfft(spectrum, n=length, dim=-1)),
        ):
            times = measure(body, budget, 20)
            records.append(record(name, params, times, {"samples_per_second": samples}, peer))
    return records


class CausalAttention(torch.nn.Module):
    """`nn.MultiheadAttention` with a causal mask, called as a self-attention block."""

    def __init__(self, width, heads, length):
        super().__init__()
        self.attention = torch.nn.MultiheadAttention(width, heads, batch_first=True)
        self.register_buffer("mask", torch.nn.Transformer.generate_square_subsequent_mask(length))

    def forward(self, x):
        output, _ = self.attention(x, x, x, attn_mask=self.mask, is_causal=True, need_weights=False)
        return output


class Recurrent(torch.nn.Module):
    """`nn.LSTM` or `nn.GRU` on (batch, length, width) input, returning the output sequence."""

    def __init__(self, cell, width):
        super().__init__()
        self.layer = cell(width, width, batch_first=True)

    def forward(self, x):
        output, _ = self.layer(x)
        return output


def block_records(lengths, budget, peer):
    """Forward and forward+backward of one block per kind at B = 8, H = 256."""
    batch, width = 8, 256
    records = []
    for length in lengths:
        blocks = {
            "attention": CausalAttention(width, 4, length),
            "lstm": Recurrent(torch.nn.LSTM, width),
            "gru": Recurrent(torch.nn.GRU, width),
        }
        generator = torch.Generator().manual_seed(7)
        x = torch.randn(batch, length, width, generator=generator)
        output_gradient = torch.randn(batch, length, width, generator=generator)
        params = {"batch": batch, "length": length, "width": width}
        tokens = {"tokens_per_second": batch * length}
        for kind, block in blocks.items():

            def forward():
                with torch.no_grad():
                    block(x)

            def forward_backward():
                watched = x.detach().requires_grad_()
                block.zero_grad(set_to_none=True)
                block(watched).backward(output_gradient)

            for suffix, body in (("forward", forward), ("forward_backward", forward_backward)):
                times = measure(body, budget, 5)
                records.append(record(f"blocks.{kind}.{suffix}", params, times, tokens, peer))
    return records


def load_official_s4(path):
    """Imports the standalone S4 module from `path` (models/s4/s4.py of state-spaces/s4).

    The module imports pytorch_lightning only for its `rank_zero_only` logging decorator; when
    pytorch_lightning is not installed an identity decorator stands in for it.
    """
    try:
        import pytorch_lightning  # noqa: F401
    except ImportError:
        utilities = types.ModuleType("pytorch_lightning.utilities")
        utilities.rank_zero_only = lambda function: function
        lightning = types.ModuleType("pytorch_lightning")
        lightning.utilities = utilities
        sys.modules["pytorch_lightning"] = lightning
        sys.modules["pytorch_lightning.utilities"] = utilities
    specification = importlib.util.spec_from_file_location("official_s4", path)
    module = importlib.util.module_from_spec(specification)
    specification.loader.exec_module(module)
    return module


class OfficialS4(torch.nn.Module):
    """The official S4Block on (batch, length, width) input, returning the output sequence."""

    def __init__(self, module, width, length, mode):
        super().__init__()
        self.block = module.S4Block(width, transposed=False, mode=mode, d_state=64, l_max=length)

    def forward(self, x):
        output, _ = self.block(x)
        return output


def official_s4_records(module, lengths, budget, peer):
    """Forward, forward+backward (B = 8, H = 256) and the B = 1 step of the official S4Block."""
    batch, width = 8, 256
    records = []
    kinds = (("s4", "dplr"), ("s4d", "diag"))
    for length in lengths:
        generator = torch.Generator().manual_seed(7)
        x = torch.randn(batch, length, width, generator=generator)
        output_gradient = torch.randn(batch, length, width, generator=generator)
        params = {"batch": batch, "length": length, "width": width}
        tokens = {"tokens_per_second": batch * length}
        for kind, mode in kinds:
            block = OfficialS4(module, width, length, mode)

            def forward():
                with torch.no_grad():
                    block(x)

            def forward_backward():
                watched = x.detach().requires_grad_()
                block.zero_grad(set_to_none=True)
                block(watched).backward(output_gradient)

            for suffix, body in (("forward", forward), ("forward_backward", forward_backward)):
                times = measure(body, budget, 3)
                records.append(record(f"blocks.{kind}.{suffix}", params, times, tokens, peer))

    # The recurrent step at B = 1 over 1024 consecutive steps, as s4-bench's block_step. The
    # DPLR kernel offers two step modes: `linear` (the DPLR structure, S4 paper section 3.4) and
    # `diagonal` (the state diagonalized once); the diagonal kernel has one.
    steps = 1024
    step_modes = (("s4", "dplr", "linear"), ("s4", "dplr", "diagonal"), ("s4d", "diag", None))
    for kind, mode, step_mode in step_modes:
        block = OfficialS4(module, width, steps, mode).block
        block.eval()
        with torch.no_grad():
            block.setup_step(**({"mode": step_mode} if step_mode else {}))
            state = block.default_state(1)
            inputs = torch.randn(steps, 1, width, generator=torch.Generator().manual_seed(5))
            times = []
            for t in range(steps):
                begin = time.perf_counter()
                _, state = block.step(inputs[t], state)
                times.append(time.perf_counter() - begin)
        params = {"batch": 1, "width": width, "steps": steps}
        if step_mode:
            params["step_mode"] = step_mode
        records.append(record(f"generate.{kind}.block_step", params, times, {"steps_per_second": 1}, peer))
    return records


def markdown(records):
    """The records as s4-bench prints them: one row per measurement."""
    lines = ["| name | params | median | min | max | reps |", "| --- | --- | --- | --- | --- | --- |"]
    for r in records:
        params = ", ".join(f"{k} {v}" for k, v in r["params"].items())
        lines.append(
            f"| {r['name']} | {params} | {r['median_seconds'] * 1e3:.3f} ms | "
            f"{r['min_seconds'] * 1e3:.3f} ms | {r['max_seconds'] * 1e3:.3f} ms | {r['repetitions']} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    parser.add_argument("--budget", type=float, default=3.0, help="seconds per measurement (default 3)")
    parser.add_argument("--lengths", type=int, nargs="+", default=[1024], help="block lengths (default 1024)")
    parser.add_argument("--json", metavar="PATH", help="also write the records as a JSON array")
    parser.add_argument("--s4-source", metavar="PATH",
                        help="models/s4/s4.py of a state-spaces/s4 checkout: also time its S4Block")
    arguments = parser.parse_args()

    torch.set_num_threads(arguments.threads)
    peer = f"pytorch {torch.__version__}"
    print(f"{peer}, {torch.get_num_threads()} threads, CPU capability "
          f"{torch.backends.cpu.get_cpu_capability()}, oneDNN {torch.backends.mkldnn.is_available()}")
    records = fft_records(arguments.budget, peer) + block_records(arguments.lengths, arguments.budget, peer)
    if arguments.s4_source:
        module = load_official_s4(arguments.s4_source)
        records += official_s4_records(module, arguments.lengths, arguments.budget, f"official S4Block, {peer}")
    print(markdown(records))
    if arguments.json:
        with open(arguments.json + ".tmp", "w") as file:
            json.dump(records, file, indent=1)
        os.replace(arguments.json + ".tmp", arguments.json)


if __name__ == "__main__":
    main()
