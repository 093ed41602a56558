#!/usr/bin/env python3
"""Metrics of the local stack's simulated NPUs and model servers, in the formats of production.

The model pods of the local stack run on KWOK nodes (no NPUs, no containers); the gateway sends
their traffic to the xpyd-sim simulators (ENDPOINT_OVERRIDE: pod IP as a 32-bit integer modulo
the number of simulators). xpyd-sim's /metrics has its own names (xpyd_sim_active_requests,
…), not vLLM's, and nothing plays the Ascend npu-exporter. This process fills both gaps, with
figures that follow each simulator's real load (the requests in flight it reports):

  --npu-port       one page like the npu-exporter DaemonSet's (all KWOK nodes share the node
                   address 10.0.0.1): per chip of every running model pod,
                   npu_chip_info_utilization (AI Core %), npu_chip_info_hbm_used_memory and
                   npu_chip_info_hbm_total_memory (MB), labelled id, model_name, namespace,
                   pod_name, container_name as the real exporter labels chips it found in a
                   container. The real exporter learns pod <-> chip from the container runtime;
                   KWOK has none, so pods and their NPU requests are read from the kube-apiserver.
  --vllm-ports     one port per simulator (same order as --sims): its load under vLLM's names,
                   vllm:num_requests_running, vllm:num_requests_waiting, vllm:kv_cache_usage_perc.

The model (documented in services/deployments/README.md, "Resource usage"): with n requests in
flight on the pod's simulator and S = --saturation, load = min(n / S, 1); AI Core utilization =
100 * load %; HBM used = total * (0.6 + 0.3 * load) (weights and runtime, plus KV cache blocks in
use; a real vLLM reserves its KV cache at start, so on real NPUs this figure is nearly flat);
KV-cache usage = load; running = n - queued, waiting = the simulator's prefill queue.

Python standard library only; binds 127.0.0.1.
"""
import argparse
import json
import re
import ssl
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HBM_TOTAL_MB = 65536  # an Ascend 910B3 chip: 64 GB HBM
CHIP_MODEL = "Ascend910B3"
POD_RANGE = (0x0AF40000, 0xFFFF0000)  # 10.244.0.0/16, the KWOK pod CIDR
SIM_LINE = re.compile(r"^(xpyd_sim_active_requests|xpyd_sim_prefill_queue_depth)\s+(\S+)", re.M)


def log(message):
    print(f"[sim-metrics {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Cached:
    """A value recomputed at most every `ttl` seconds (a scrape must not hammer its sources)."""

    def __init__(self, ttl, compute, fallback):
        self.ttl, self.compute, self.fallback = ttl, compute, fallback
        self.at, self.value, self.lock = 0.0, fallback, threading.Lock()

    def get(self):
        with self.lock:
            if time.monotonic() - self.at >= self.ttl:
                try:
                    self.value = self.compute()
                except Exception as error:  # a source down: report nothing rather than fail
                    log(f"read failed: {type(error).__name__}: {error}")
                    self.value = self.fallback
                self.at = time.monotonic()
            return self.value


def sim_load(url):
    """(in flight, queued) of one simulator, from its own /metrics."""
    with urllib.request.urlopen(f"{url}/metrics", timeout=0.5) as res:
        found = dict(SIM_LINE.findall(res.read().decode()))
    return float(found.get("xpyd_sim_active_requests", 0)), float(found.get("xpyd_sim_prefill_queue_depth", 0))


def ipv4_int(address):
    parts = address.split(".")
    if len(parts) != 4 or not all(p.isdigit() for p in parts):
        return None
    return (int(parts[0]) << 24) | (int(parts[1]) << 16) | (int(parts[2]) << 8) | int(parts[3])


class Stack:
    def __init__(self, args):
        self.args = args
        self.sims = args.sims.split(",")
        self.loads = [Cached(0.2, lambda u=u: sim_load(u), (0.0, 0.0)) for u in self.sims]
        self.pods = Cached(1.0, self.list_pods, [])
        self.ssl = None

    def api_context(self):
        if self.ssl is None:
            ctx = ssl.create_default_context(cafile=f"{self.args.pki}/ca.crt")
            ctx.load_cert_chain(f"{self.args.pki}/admin.crt", f"{self.args.pki}/admin.key")
            self.ssl = ctx
        return self.ssl

    def list_pods(self):
        """Running model pods (label maas.io/service-id) with their NPU requests, every namespace."""
        url = (f"{self.args.apiserver}/api/v1/pods?labelSelector=maas.io%2Fservice-id"
               "&fieldSelector=status.phase%3DRunning")
        with urllib.request.urlopen(url, timeout=1.0, context=self.api_context()) as res:
            items = json.load(res)["items"]
        pods = []
        for pod in items:
            ip = ipv4_int(pod.get("status", {}).get("podIP", ""))
            if ip is None or (ip & POD_RANGE[1]) != POD_RANGE[0] or pod["metadata"].get("deletionTimestamp"):
                continue
            for container in pod["spec"]["containers"]:
                requests = (container.get("resources") or {}).get("requests") or {}
                npus = sum(int(v) for k, v in requests.items() if k.startswith("huawei.com/"))
                if npus > 0:
                    pods.append((pod["spec"].get("nodeName", ""), pod["metadata"]["namespace"],
                                 pod["metadata"]["name"], container["name"], npus, ip))
        return sorted(pods)

    def load_of(self, index):
        in_flight, queued = self.loads[index].get()
        return in_flight, queued, min(in_flight / self.args.saturation, 1.0)

    def npu_page(self):
        lines = [
            "# HELP npu_chip_info_utilization the ai core utilization",
            "# TYPE npu_chip_info_utilization gauge",
            "# HELP npu_chip_info_hbm_used_memory the npu hbm used memory",
            "# TYPE npu_chip_info_hbm_used_memory gauge",
            "# HELP npu_chip_info_hbm_total_memory the npu hbm total memory",
            "# TYPE npu_chip_info_hbm_total_memory gauge",
        ]
        next_chip = {}
        for node, namespace, pod, container, npus, ip in self.pods.get():
            _, _, load = self.load_of(ip % len(self.sims))
            for _ in range(npus):
                chip = next_chip.get(node, 0)
                next_chip[node] = chip + 1
                labels = (f'container_name="{container}",id="{chip}",model_name="{CHIP_MODEL}",'
                          f'namespace="{namespace}",pod_name="{pod}",vdie_id="{node}-{chip}"')
                lines.append(f"npu_chip_info_utilization{{{labels}}} {round(100 * load)}")
                lines.append(f"npu_chip_info_hbm_used_memory{{{labels}}} {round(HBM_TOTAL_MB * (0.6 + 0.3 * load))}")
                lines.append(f"npu_chip_info_hbm_total_memory{{{labels}}} {HBM_TOTAL_MB}")
        return "\n".join(lines) + "\n"

    def vllm_page(self, index):
        in_flight, queued, load = self.load_of(index)
        labels = f'engine="0",model_name="{self.args.model}"'
        return "\n".join([
            "# HELP vllm:num_requests_running Number of requests in model execution batches.",
            "# TYPE vllm:num_requests_running gauge",
            f"vllm:num_requests_running{{{labels}}} {max(in_flight - queued, 0.0)}",
            "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.",
            "# TYPE vllm:num_requests_waiting gauge",
            f"vllm:num_requests_waiting{{{labels}}} {queued}",
            "# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.",
            "# TYPE vllm:kv_cache_usage_perc gauge",
            f"vllm:kv_cache_usage_perc{{{labels}}} {load}",
        ]) + "\n"


def serve(port, page):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.split("?")[0] == "/health":
                body, status = b"ok\n", 200
            elif self.path.split("?")[0] == "/metrics":
                body, status = page().encode(), 200
            else:
                body, status = b"not found\n", 404
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sims", required=True, help="simulator base URLs, comma-separated")
    parser.add_argument("--npu-port", type=int, required=True)
    parser.add_argument("--vllm-ports", required=True, help="one port per simulator, comma-separated")
    parser.add_argument("--apiserver", required=True, help="kube-apiserver URL")
    parser.add_argument("--pki", required=True, help="dir with ca.crt, admin.crt, admin.key")
    parser.add_argument("--model", default="sim-model")
    parser.add_argument("--saturation", type=float, default=8.0, help="requests in flight = 100 %% load")
    args = parser.parse_args()
    stack = Stack(args)
    ports = [int(p) for p in args.vllm_ports.split(",")]
    if len(ports) != len(stack.sims):
        parser.error("--vllm-ports needs one port per simulator")
    serve(args.npu_port, stack.npu_page)
    for index, port in enumerate(ports):
        serve(port, lambda i=index: stack.vllm_page(i))
    log(f"npu-exporter page on 127.0.0.1:{args.npu_port}, vLLM pages on {', '.join(map(str, ports))}")
    threading.Event().wait()


if __name__ == "__main__":
    main()
