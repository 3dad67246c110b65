"""One module per phase of the video; each defines one ``PhaseScene`` named in ``scenes.registry``.

A phase module imports the shared modules only, never another phase: the render
cache re-renders a phase when its own module or a shared module changes.
"""
