#!/usr/bin/env python3
"""golden.py BIN SRC OUTDIR: runs every line of SRC/tests/golden/outputs.txt with BIN (from SRC, so
the paths in the output are the list's) and writes OUTDIR/NAME.json (the whole --json, less the
host-dependent wall_s and run_id, keys sorted, one per line) and OUTDIR/NAME.stats (the run's `stats`
rows as SQLite prints them: component|metric|value). Exits 1 when a run fails."""
import json, os, sqlite3, subprocess, sys, tempfile

def main():
    bin_, src, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for line in open(os.path.join(src, 'tests/golden/outputs.txt')):
            f = line.split('#', 1)[0].split()
            if not f:
                continue
            name, cfg, trace, sets = f[0], f[1], f[2], f[3:]
            db = os.path.join(tmp, name + '.db')
            cmd = [bin_, cfg, trace, '--db', db, '--json'] + [a for s in sets for a in ('--set', s)]
            p = subprocess.run(cmd, cwd=src, capture_output=True, text=True)
            if p.returncode:
                sys.exit('golden.py: %s: exit %d: %s' % (name, p.returncode, p.stderr.strip()))
            d = json.loads(p.stdout)
            d.pop('wall_s', None)
            d.pop('run_id', None)
            with open(os.path.join(out, name + '.json'), 'w') as fo:
                fo.write(json.dumps(d, indent=1, sort_keys=True) + '\n')
            # the value as the sqlite3 shell prints it (15 significant digits)
            rows = subprocess.run(['sqlite3', db, 'select component, metric, value from stats order by rowid'],
                                  capture_output=True, text=True, check=True).stdout
            with open(os.path.join(out, name + '.stats'), 'w') as fo:
                fo.write(rows)

main()
