"""What the notebooks show in JupyterLab, and the command that starts it: the one package that imports ipywidgets.

- `views`: small summaries of the tables a stage step produced (DataFrame -> DataFrame or a Figure);
- `widgets`: the interactive views (04_content's filter, 03_score's what-if sliders), for notebooks run with
  `interactive=True` only: batch runs never import them;
- `explore`: the exploration notebook's trends over the published months;
- `server`: `make lab` (`python -m mediakpi.lab`), JupyterLab on 127.0.0.1 with a token.

It sits on top of the stages (layers in docs/architecture.md): it may import any stage, no stage imports it.
Nothing is imported here, so `import mediakpi.lab.views` does not load ipywidgets or JupyterLab.
"""
