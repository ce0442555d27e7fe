"""Plays the world around the churn model, with no person in the loop, through `cairn ct run`:

1. v1 is trained on the reference, registered as churn@champion and deployed to the local target;
2. a drifted batch lands in data/incoming: drift is detected, the pipeline retrains on the
   reference and the batch, v2 beats v1 on the batch's holdout, takes @champion, and the endpoint
   answers with v2; requests sent all along never fail;
3. a corrupted batch lands: its checks fail, nothing is trained or promoted, the endpoint still
   serves v2, and the audit trail says why.

    PATH=/usr/bin:$PATH /usr/bin/python3 examples/continuous-training/play_world.py \\
        --project /tmp/churn --data-dir /tmp/churn-data

--project is a copy of this folder to play in (made when missing); the script checks each
step's outcome and exits 1 at the first that is not as expected. --summary writes the figures
(each step's time, the requests sent during the switch) as JSON.
"""
import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", required=True, help="the folder to play in (a copy of this example)")
    parser.add_argument("--data-dir", required=True, help="Cairn's data folder")
    parser.add_argument("--cairn", default=f"node {os.path.join(HERE, '..', '..', 'bin', 'cairn.js')}", help="how to run cairn")
    parser.add_argument("--summary", help="write the figures here as JSON")
    parser.add_argument("--keep", action="store_true", help="leave the endpoint running at the end")
    return parser.parse_args()


class World:
    def __init__(self, args):
        self.args = args
        self.cairn = shlex.split(args.cairn)
        self.project = os.path.abspath(args.project)
        # The stages' `python3` and the endpoint's Python are this interpreter (with scikit-learn).
        self.env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}:{os.environ.get('PATH', '')}", "CAIRN_PYTHON": sys.executable}
        self.figures = {}

    def run(self, *args, expect=0):
        started = time.monotonic()
        done = subprocess.run(self.cairn + list(args) + ["--data-dir", self.args.data_dir], env=self.env, cwd=self.project, capture_output=True, text=True)
        elapsed = time.monotonic() - started
        if done.returncode != expect:
            sys.exit(f"cairn {' '.join(args)} exited {done.returncode}, expected {expect}\n{done.stdout}\n{done.stderr}")
        return done.stdout, elapsed

    def deployment(self):
        out, _ = self.run("deploy", "status", "churn", "--json")
        return json.loads(out)["deployment"]

    def last_firing(self):
        out, _ = self.run("ct", "history", "churn-retrain", "--json", "--limit", "1", "--project", self.project)
        return json.loads(out)[0]

    def land(self, kind, name):
        started = time.monotonic()
        subprocess.run([sys.executable, os.path.join(self.project, "src", "make_data.py"), kind, os.path.join(self.project, "data", "incoming", name)], check=True, capture_output=True)
        return time.monotonic() - started


def check(condition, what):
    if not condition:
        sys.exit(f"not as expected: {what}")
    print(f"  ok: {what}")


class Traffic(threading.Thread):
    """Scores a row through the endpoint again and again; counts answers and failures."""

    def __init__(self, url, row):
        super().__init__(daemon=True)
        self.url = f"{url}/invocations"
        self.body = json.dumps({"dataframe_split": row}).encode()
        self.sent = self.failed = 0
        self.answers = set()
        self.running = True

    def run(self):
        while self.running:
            self.sent += 1
            try:
                request = urllib.request.Request(self.url, data=self.body, headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(request, timeout=10) as response:
                    self.answers.add(json.dumps(json.loads(response.read())["predictions"]))
            except Exception as error:  # any failed request is what this counts
                self.failed += 1
                print(f"  request failed: {error}", file=sys.stderr)
            time.sleep(0.02)

    def stop(self):
        self.running = False
        self.join()


def main():
    args = parse_args()
    world = World(args)
    if not os.path.exists(os.path.join(world.project, "dvc.yaml")):
        shutil.copytree(HERE, world.project, ignore=shutil.ignore_patterns("play_world.py", "__pycache__"))
    os.makedirs(os.path.join(world.project, "data", "incoming"), exist_ok=True)

    print("1. v1: trained on the reference, registered as churn@champion, deployed")
    out, elapsed = world.run("ct", "run", "churn-retrain", "--project", world.project)
    print(out)
    world.figures["step1_seconds"] = round(elapsed, 2)
    deployment = world.deployment()
    check(deployment["model"]["version"] == "1", "the endpoint serves churn version 1")
    url = deployment["endpointUrl"]

    print("2. a drifted batch lands: retrain, gate, promote, switch the endpoint")
    with open(os.path.join(world.project, "data", "holdout.csv")) as handle:
        header = handle.readline().strip().split(",")
        values = [float(v) for v in handle.readline().strip().split(",")]
    features = [i for i, name in enumerate(header) if name != "churned"]
    row = {"columns": [header[i] for i in features], "data": [[values[i] for i in features]]}
    traffic = Traffic(url, row)
    traffic.start()
    world.land("drifted", "batch-1.csv")
    out, elapsed = world.run("ct", "run", "--project", world.project)
    print(out)
    time.sleep(0.5)
    traffic.stop()
    world.figures["step2_seconds"] = round(elapsed, 2)
    firing = world.last_firing()
    world.figures["step2_steps"] = {step["name"]: round((step["endedAt"] - step["startedAt"]) / 1000, 2) for step in firing["steps"]}
    world.figures["requests_during_switch"] = traffic.sent
    world.figures["failed_requests"] = traffic.failed
    check(firing["outcome"] == "promoted", f"the firing promoted the candidate ({firing['reason']})")
    check(any(item["kind"] == "drift" and item["fired"] for item in firing["evidence"]), "the evidence shows drift")
    accuracy = next(rule for rule in firing["gate"]["rules"] if rule["rule"].startswith("metrics.accuracy"))
    check(accuracy["values"]["candidate"] > accuracy["values"]["production"], f"v2's accuracy {accuracy['values']['candidate']:.4f} beats v1's {accuracy['values']['production']:.4f} on the holdout")
    check(world.deployment()["model"]["version"] == "2", "the endpoint serves churn version 2")
    check(traffic.failed == 0 and traffic.sent > 0, f"{traffic.sent} requests during the switch, none failed")

    print("3. a corrupted batch lands: the checks fail, nothing is trained or promoted")
    world.land("corrupted", "batch-2.csv")
    out, elapsed = world.run("ct", "run", "--project", world.project, expect=1)
    print(out)
    world.figures["step3_seconds"] = round(elapsed, 2)
    firing = world.last_firing()
    check(firing["outcome"] == "rejected", f"the firing was rejected ({firing['reason']})")
    check(any(rule["kind"] == "checks" and not rule["passed"] for rule in firing["gate"]["rules"]), "the audit trail names the failed checks")
    check(not any(step["name"] == "pipeline" for step in firing["steps"]), "nothing was trained")
    check(world.deployment()["model"]["version"] == "2", "the endpoint still serves churn version 2")

    if not args.keep:
        world.run("deploy", "delete", "churn")
    print(json.dumps(world.figures, indent=2))
    if args.summary:
        with open(args.summary, "w") as out:
            json.dump(world.figures, out, indent=2)


if __name__ == "__main__":
    main()
