"""Starts the Deno kernel, trains in it, sends Jupyter's interrupt (SIGINT) mid-run, and prints one
JSON line: whether the kernel survived, what the training cell returned, and the epochs completed.
Run by tests/notebooks_test.ts from the notebooks/ folder."""

import json
import queue
import time

from jupyter_client.manager import start_new_kernel


def run(client, code, timeout=120):
    """Executes code; returns its text results, waiting a little past "idle" for late outputs."""
    msg_id = client.execute(code)
    results, idle_at = [], None
    while True:
        try:
            msg = client.get_iopub_msg(timeout=0.3 if idle_at else timeout)
        except queue.Empty:
            return results
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "execute_result":
            results.append(msg["content"]["data"].get("text/plain", ""))
        elif kind == "error":
            results.append("error: " + msg["content"]["evalue"])
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            idle_at = time.time()


manager, client = start_new_kernel(kernel_name="deno", cwd=".")
try:
    run(client, 'import * as lib from "../lib/mod.ts";\n'
        'const data = await lib.loadRunData(lib.resolveSettings("assignment", { limitTrainingRows: 20000 }));\n'
        "const network = lib.createNetwork();\nconst done: number[] = [];")
    started = time.time()
    msg_id = client.execute("const result = await lib.trainLive(network, data.train, { title: 'interrupted', epochs: 500, onEpoch: (r) => { done.push(r.epoch); } });\n"
                            "result.stopped")
    time.sleep(3)
    manager.interrupt_kernel()
    returned = None
    while True:
        msg = client.get_iopub_msg(timeout=30)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_result":
            returned = msg["content"]["data"].get("text/plain", "")
            break
    after = run(client, "lib.text(JSON.stringify({ epochs: done.length, kept: network.weights[0].data.every(Number.isFinite) }))")
    print(json.dumps({
        "alive": manager.is_alive(),
        "stopped": returned,
        "seconds": round(time.time() - started, 1),
        "after": after,
    }))
finally:
    manager.shutdown_kernel(now=True)
