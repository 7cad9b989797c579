"""Keys typed in a burst stay in order and reach the widget they were typed for.

Textual hands each key to the widget that has focus when the key is dispatched, and
runs ordinary bindings only after the key has bubbled up to the app, against whatever
has focus by then. So in "2a" or "enter a" typed fast (a paste, a script, a quick
typist), the second key can still land on the old widget, or its binding can run on
the new one. Our widgets instead handle their keys in their own turn, in order, and
pass a key that reaches them after focus moved on to the widget focused now.
"""

from __future__ import annotations

import weakref

from textual import events
from textual.widget import Widget

_routed_keys: weakref.WeakSet[events.Key] = weakref.WeakSet()


def was_routed(event: events.Key) -> bool:
    """True for a key that forward_key delivered (rather than one bubbling up from a child)."""
    return event in _routed_keys


def pass_on_if_unfocused(widget: Widget, event: events.Key) -> bool:
    """Send ``event`` on to the focused widget if ``widget`` lost focus; True when it did.

    While a screen that was just pushed has not focused anything yet, the key goes to
    that screen, which hands it to its first input once there is one (see the picker)."""
    app = widget.app
    focused = app.focused
    if focused is widget:
        return False
    event.stop()
    event.prevent_default()
    forward_key(focused or app.screen, event)
    return True


def forward_key(target: Widget, event: events.Key) -> None:
    """Deliver a copy of ``event`` to ``target``, marked as forwarded so that the app
    does not take it for a new key press if it bubbles up."""
    key = events.Key(event.key, event.character)
    key._set_forwarded()
    _routed_keys.add(key)
    target.post_message(key)


async def run_bindings_here(widget: Widget, event: events.Key) -> bool:
    """Run the first binding for ``event`` from ``widget`` up to the app; True if one ran."""
    keymap = widget.app._keymap  # the user's remapping by binding id, as Textual applies it
    for node in widget.ancestors_with_self:
        bindings = node._bindings.copy()
        if keymap:
            bindings.apply_keymap(keymap)
        for binding in bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await widget.app.run_action(binding.action, node):
                event.stop()
                event.prevent_default()
                return True
    return False
