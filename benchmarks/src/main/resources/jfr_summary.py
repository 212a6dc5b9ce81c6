"""Summarises `jfr print --events jdk.ExecutionSample` output: inclusive share of hot frames."""
import collections
import re
import sys

text = sys.stdin.read()
samples = text.split("jdk.ExecutionSample")[1:]
inclusive = collections.Counter()
n = 0
for s in samples:
    frames = re.findall(r"^\s+([\w.$<>]+)\(", s, re.M)
    if not frames:
        continue
    n += 1
    for f in set(frames):
        inclusive[f] += 1
print(f"{n} samples")
interesting = (
    "org.yiyang", "InstanceValidator.validate", "FhirInstanceValidator", "jsonata", "JsonParser.parse",
    "encodeResource", "networknt", "Journal", "hibernate", "h2.", "jdbc", "DeliveryWorker",
    "GenericClient", "catalina.connector", "ExecutionSample", "camel.processor",
)
for frame, count in inclusive.most_common(400):
    if any(k in frame for k in interesting) and 100 * count / n >= 2:
        print(f"{100 * count / n:5.1f}%  {frame}")
