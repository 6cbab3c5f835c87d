"""The page families, one module each (``pages.FAMILIES`` lists them; ``family`` says what
a family is). ARCHITECTURE.md, "Adding a page type", walks through one."""
