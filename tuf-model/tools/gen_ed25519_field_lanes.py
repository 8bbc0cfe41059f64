#!/usr/bin/env python3
# Prints the bodies of Ed25519BaseLanes.mul and .sqr (tuf-model/src/main/java/dev/tufrepo/model/
# internal/Ed25519BaseLanes.java), which were generated with it and then formatted by spotless:
#   python3 tuf-model/tools/gen_ed25519_field_lanes.py
# Generates the unrolled 8-lane field multiplication and squaring of Ed25519BaseLanes (ref10's
# radix 2^25.5 representation: limb i has 26 bits when i is even, 25 when odd).
W = [26 if i % 2 == 0 else 25 for i in range(10)]

def carry(lines, ind):
    seq = [0, 4, 1, 5, 2, 6, 3, 7, 4, 8, 9, 0]
    for k in seq:
        w = W[k]
        nxt = (k + 1) % 10
        lines.append(f"{ind}c = h{k}.add(1L << {w - 1}).lanewise(VectorOperators.ASHR, {w});")
        if k == 9:
            lines.append(f"{ind}h0 = h0.add(c.mul(19L));")
        else:
            lines.append(f"{ind}h{nxt} = h{nxt}.add(c);")
        lines.append(f"{ind}h{k} = h{k}.sub(c.lanewise(VectorOperators.LSHL, {w}));")

def gen_mul():
    ind = "    "
    L = []
    for i in range(10):
        L.append(f"{ind}LongVector f{i} = LongVector.fromArray(S, w, f + {i} * N);")
    for i in range(10):
        L.append(f"{ind}LongVector g{i} = LongVector.fromArray(S, w, g + {i} * N);")
    for j in range(1, 10):
        L.append(f"{ind}LongVector g{j}x19 = g{j}.mul(19L);")
    for i in range(1, 10, 2):
        L.append(f"{ind}LongVector f{i}x2 = f{i}.add(f{i});")
    for k in range(10):
        terms = []
        for i in range(10):
            j = (k - i) % 10
            a = f"f{i}x2" if (i % 2 == 1 and j % 2 == 1) else f"f{i}"
            b = f"g{j}x19" if i + j >= 10 else f"g{j}"
            terms.append(f"{a}.mul({b})")
        L.append(f"{ind}LongVector h{k} = " + terms[0] + "".join(f"\n{ind}    .add({t})" for t in terms[1:]) + ";")
    L.append(f"{ind}LongVector c;")
    carry(L, ind)
    for k in range(10):
        L.append(f"{ind}h{k}.intoArray(w, h + {k} * N);")
    return "\n".join(L)

def gen_sqr():
    ind = "    "
    L = []
    for i in range(10):
        L.append(f"{ind}LongVector f{i} = LongVector.fromArray(S, w, f + {i} * N);")
    need = {}
    terms_by_k = {k: [] for k in range(10)}
    for i in range(10):
        for j in range(i, 10):
            k = (i + j) % 10
            ca = (2 if i != j else 1) * (2 if (i % 2 == 1 and j % 2 == 1) else 1)
            cb = 19 if i + j >= 10 else 1
            a = f"f{i}" if ca == 1 else f"f{i}x{ca}"
            b = f"f{j}" if cb == 1 else f"f{j}x{cb}"
            if ca != 1: need[a] = (i, ca)
            if cb != 1: need[b] = (j, cb)
            terms_by_k[k].append(f"{a}.mul({b})")
    for name, (i, c) in sorted(need.items()):
        if c == 2:
            L.append(f"{ind}LongVector {name} = f{i}.add(f{i});")
        elif c == 4:
            L.append(f"{ind}LongVector {name} = f{i}.lanewise(VectorOperators.LSHL, 2);")
        else:
            L.append(f"{ind}LongVector {name} = f{i}.mul({c}L);")
    for k in range(10):
        t = terms_by_k[k]
        L.append(f"{ind}LongVector h{k} = " + t[0] + "".join(f"\n{ind}    .add({x})" for x in t[1:]) + ";")
    L.append(f"{ind}if (twice) {{")
    for k in range(10):
        L.append(f"{ind}  h{k} = h{k}.add(h{k});")
    L.append(f"{ind}}}")
    L.append(f"{ind}LongVector c;")
    carry(L, ind)
    for k in range(10):
        L.append(f"{ind}h{k}.intoArray(w, h + {k} * N);")
    return "\n".join(L)

print("MUL")
print(gen_mul())
print("SQR")
print(gen_sqr())
