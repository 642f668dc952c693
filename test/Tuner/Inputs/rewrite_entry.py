"""Replaces one file of a cache entry and updates its manifest, so that the
entry stays consistent with its hashes but says something else.

  python3 rewrite_entry.py CACHE_DIR FILE CONTENT
"""
import glob
import hashlib
import json
import os
import sys

cache, name, content = sys.argv[1], sys.argv[2], sys.argv[3]
(entry,) = glob.glob(os.path.join(cache, "autotuner", "*", "manifest.json"))
entry = os.path.dirname(entry)
with open(os.path.join(entry, name), "w") as f:
    f.write(content)
manifest_path = os.path.join(entry, "manifest.json")
with open(manifest_path) as f:
    manifest = json.load(f)
manifest["files"][name] = hashlib.sha256(content.encode()).hexdigest()
with open(manifest_path, "w") as f:
    json.dump(manifest, f)
