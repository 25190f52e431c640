#!/usr/bin/env python3
"""Where the bytes of a .wasm go: code size per function (from the `name`
section) and per rough bucket (sorting, BTreeMap, wasm-bindgen glue, serde,
formatting, flaneur's own code). For the size work of issue #9.

    cargo build -p flaneur --lib --release --target wasm32-unknown-unknown
    python3 scripts/wasm-size.py target/wasm32-unknown-unknown/release/flaneur.wasm

Read it before wasm-opt (which strips the names); sizes are of function bodies.
"""
import sys, re, collections
data = open(sys.argv[1], 'rb').read()
def leb(b, i):
    r = s = 0
    while True:
        x = b[i]; i += 1; r |= (x & 0x7f) << s; s += 7
        if x < 0x80: return r, i
i = 8; sections = []
while i < len(data):
    sid = data[i]; i += 1
    size, i = leb(data, i)
    sections.append((sid, i, size)); i += size
imports_funcs = 0
names = {}
bodies = []
for sid, off, size in sections:
    if sid == 2:
        n, j = leb(data, off)
        for _ in range(n):
            l, j = leb(data, j); j += l
            l, j = leb(data, j); j += l
            kind = data[j]; j += 1
            if kind == 0: _, j = leb(data, j); imports_funcs += 1
            elif kind == 1: j += 1; fl, j = leb(data, j); _, j = leb(data, j); 
            elif kind == 2:
                fl, j = leb(data, j); _, j = leb(data, j)
                if fl & 1: _, j = leb(data, j)
            elif kind == 3: j += 2
    if sid == 10:
        n, j = leb(data, off)
        for k in range(n):
            sz, j2 = leb(data, j); bodies.append((imports_funcs + k, sz + (j2 - j))); j = j2 + sz
    if sid == 0:
        l, j = leb(data, off); nm = data[j:j+l].decode(); j += l
        if nm == 'name':
            end = off + size
            while j < end:
                sub = data[j]; j += 1
                sl, j = leb(data, j)
                if sub == 1:
                    n, k = leb(data, j)
                    for _ in range(n):
                        idx, k = leb(data, k); l2, k = leb(data, k); names[idx] = data[k:k+l2].decode('utf8', 'replace'); k += l2
                j += sl
print("sections:", [(s, sz) for s, _, sz in sections])
total = sum(s for _, s in bodies)
print("code bytes", total, "functions", len(bodies), "named", len(names))
groups = collections.Counter()
for idx, sz in bodies:
    n = names.get(idx, "?")
    m = re.match(r'^_?<?(?:_ZN)?([A-Za-z0-9_]+)', n)
    key = m.group(1) if m else n[:20]
    groups[key] += sz
for k, v in groups.most_common(25): print(f"{v:8d}  {k}")
top = sorted(bodies, key=lambda x: -x[1])[:25]
for idx, sz in top: print(f"{sz:8d}  {names.get(idx,'?')[:110]}")
buckets = [("serde", "serde"), ("btree", "btree"), ("sort", "slice::sort"), ("flt2dec|fmt|Display|Debug|Formatter|write_str|pad", "core::fmt/float fmt"),
  ("js_sys|wasm_bindgen|web_sys|closure|future", "js/wasm-bindgen"), ("hashbrown|HashMap", "hashbrown"), ("dlmalloc|alloc..raw_vec|RawVec|realloc", "alloc"),
  ("codec|record|bytes", "flaneur codecs"), ("wasm", "flaneur wasm boundary"), ("flaneur", "flaneur other"), ("rand|distr|libm", "rand/libm")]
agg = collections.Counter()
for idx, sz in bodies:
    n = names.get(idx, "?")
    for pat, b in buckets:
        if re.search(pat, n): agg[b] += sz; break
    else: agg["other"] += sz
for k, v in agg.most_common(): print(f"{v:8d}  {k}")
