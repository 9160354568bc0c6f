"""Execute one notebook with nbconvert and save it with its outputs.

Usage: python3 execute.py NOTEBOOK KERNEL CELL_TIMEOUT_SECONDS

On success the notebook is written back in place. When a cell fails, the
file is left unchanged and the cell number, its source and what it wrote to
standard error are printed, because tslab reports the error message there
and leaves the error reply empty. Exit codes: 0 success, 1 a cell failed
or timed out, 2 invalid usage.
"""

import os
import sys

import nbformat
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from nbconvert.preprocessors import ExecutePreprocessor


def stream_text(cell):
    """Return the standard output and error that a cell printed."""
    return "".join(
        output.get("text", "")
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream"
    )


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    path, kernel, timeout = argv[1], argv[2], int(argv[3])
    notebook = nbformat.read(path, as_version=4)
    current = {}

    def remember_cell(cell, cell_index, **_):
        current["index"] = cell_index

    # Timings are not recorded, so re-executing an unchanged notebook changes
    # only the outputs that really differ.
    executor = ExecutePreprocessor(
        kernel_name=kernel,
        timeout=timeout,
        record_timing=False,
        on_cell_start=remember_cell,
    )
    folder = os.path.dirname(os.path.abspath(path))
    try:
        executor.preprocess(notebook, {"metadata": {"path": folder}})
    except (CellExecutionError, CellTimeoutError) as error:
        index = current.get("index")
        if index is None:
            print(f"{path}: {error}", file=sys.stderr)
            return 1
        cell = notebook.cells[index]
        reason = (
            f"timed out after {timeout} s\n"
            if isinstance(error, CellTimeoutError)
            else ""
        )
        print(
            f"{path}: cell {index + 1} failed\n"
            f"--- source ---\n{cell.source}\n"
            f"--- output ---\n{stream_text(cell)}{reason}",
            file=sys.stderr,
        )
        return 1
    nbformat.write(notebook, path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
