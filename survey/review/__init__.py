"""三审三校: nothing goes public (opened, published or withdrawn) before the office's chain of
sign-offs, by people other than its author; what was signed is what goes public (``services``).
Features register what they put forward (``kinds``); this package knows none of them."""
