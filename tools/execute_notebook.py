"""Executes a notebook read from stdin with the Deno kernel and writes it, executed, to stdout.

nbclient stops reading a cell's output the moment the kernel reports "idle". Deno's kernel can
send that status before the cell's last output, so a plain `jupyter nbconvert --execute` drops an
output now and then. This client keeps reading the cell's messages until none has come for a
short quiet window after "idle".

Usage: python3 execute_notebook.py [--timeout SECONDS] [--quiet-ms MS] < in.ipynb > out.ipynb
(run it in the notebook's folder: relative imports resolve from there)
"""

import argparse
import queue
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async


class PatientClient(NotebookClient):
    quiet_seconds = 0.3

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        idle = False
        while True:
            try:
                msg = await ensure_async(
                    self.kc.iopub_channel.get_msg(timeout=self.quiet_seconds if idle else None)
                )
            except queue.Empty:
                return
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                idle = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=int, default=900)
    parser.add_argument("--quiet-ms", type=int, default=300)
    parser.add_argument("--kernel", default="deno")
    args = parser.parse_args()
    notebook = nbformat.read(sys.stdin, as_version=4)
    client = PatientClient(
        notebook,
        kernel_name=args.kernel,
        timeout=args.timeout,
        allow_errors=True,
        resources={"metadata": {"path": "."}},
    )
    client.quiet_seconds = args.quiet_ms / 1000
    client.execute()
    nbformat.write(notebook, sys.stdout)


if __name__ == "__main__":
    main()
