"""README.md is generated from nbs/index.ipynb (Quarto, which nbdev_readme needs, is not installable here).

--execute first runs the notebook in place (so its stored outputs are fresh; widget state is not stored);
--write regenerates README.md from the notebook's stored outputs; --check fails if README.md differs.
Cells marked `#| hide` are dropped and `#|` directive lines are stripped.
"""
import sys, re, pathlib, nbformat
from nbconvert import MarkdownExporter

root = pathlib.Path(__file__).resolve().parent.parent
HEADER = "<!-- Generated from nbs/index.ipynb by `make readme`: edit the notebook, not this file. -->\n\n"

def main():
    nb_path = root/'nbs'/'index.ipynb'
    if '--execute' in sys.argv:
        from nbconvert.preprocessors import ExecutePreprocessor
        nb = nbformat.read(nb_path, as_version=4)
        ExecutePreprocessor(timeout=600, kernel_name='python3', store_widget_state=False).preprocess(nb, {'metadata': {'path': str(nb_path.parent)}})
        nb.metadata.pop('widgets', None)
        tmp = nb_path.with_suffix('.tmp'); nbformat.write(nb, tmp); tmp.replace(nb_path)
    text = render_from(nbformat.read(nb_path, as_version=4))
    out = root/'README.md'
    if '--write' in sys.argv:
        tmp = out.with_suffix('.md.tmp'); tmp.write_text(text); tmp.replace(out); print(f"wrote {out}")
    elif '--check' in sys.argv:
        if not out.exists() or out.read_text() != text:
            sys.exit("FAIL: README.md is out of date with nbs/index.ipynb: run `make readme` and commit")
    else: print(text)

def render_from(nb):
    nb = nbformat.from_dict(nb)
    keep = []
    for c in nb.cells:
        if c.cell_type == 'code':
            if re.match(r'\s*#\|\s*hide', c.source): continue
            c.source = '\n'.join(l for l in c.source.splitlines() if not l.lstrip().startswith('#|')).strip()
            for o in c.get('outputs', []):
                if 'data' in o: o['data'] = {k: v for k, v in o['data'].items() if k in ('text/plain', 'text/markdown')}
            c.outputs = [o for o in c.get('outputs', []) if o.get('output_type') != 'display_data' or o.get('data')]
        keep.append(c)
    nb.cells = keep
    body, _ = MarkdownExporter().from_notebook_node(nb)
    return HEADER + re.sub(r'\n{3,}', '\n\n', body).strip() + '\n'

if __name__ == '__main__': main()
