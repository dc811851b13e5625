"""Run CPython's own Lib/test/test_buffer.py with `memoryview` replaced by memview.MemoryView.

Used by tests/cpython_test_buffer.rs (embedded CPython, module `memview` registered by
`memview::python::module`). `run()` returns a summary dict; nothing here fails by itself.

Every use of `memoryview` in test_buffer.py looks the global name up at call time, so setting
`test.test_buffer.memoryview` substitutes ours. NumPy is blocked (its path calls
`ndarray.tostring`, removed in NumPy 2) and the `cpu` resource is enabled, as
`python -m test -u cpu test_buffer` would.

Where memview.MemoryView deliberately does more than CPython's memoryview, the assertion at
that test and line fails; those sites are listed in ALLOWED with the reason. At a listed site
(and only there) a failing assertion, or an exception other than the one `assertRaises`
expected, is logged instead of failing the test, and the test goes on. A site is the test
method and the source line in test_buffer.py (line numbers are those of 3.11.7; on other
versions the line text is matched).
"""

import io
import linecache
import random
import sys
import time
import unittest

# (test method, line in 3.11.7's test_buffer.py, the line's text, why memview differs)
ALLOWED = [
]


def _load(use_memview):
    sys.modules["numpy"] = None
    from test import support

    support.use_resources = ["cpu"]
    import test.test_buffer as tb

    if use_memview:
        import memview

        tb.memoryview = memview.MemoryView
    return tb


def run(seeds=(1, 2, 3, 4, 5), use_memview=True, verbose=False):
    tb = _load(use_memview)
    filename = tb.__file__
    is_311 = sys.version_info[:2] == (3, 11)
    hits = {}

    def lookup(test, lineno, text):
        for entry in ALLOWED:
            name, line, entry_text, _ = entry
            if name == test and entry_text == text and (not is_311 or line == lineno):
                return entry
        return None

    listed = {entry[0] for entry in ALLOWED}

    def site(test):
        if test not in listed:
            return None
        f = sys._getframe(2)
        while f is not None and f.f_code.co_filename != filename:
            f = f.f_back
        if f is None:
            return None
        text = linecache.getline(filename, f.f_lineno).strip()
        return lookup(test, f.f_lineno, text)

    def record(entry, outcome):
        key = entry[:3]
        count, first = hits.get(key, (0, outcome))
        hits[key] = (count + 1, first)

    class Tolerated:
        """`with self.assertRaises(...)` at an allowed site."""

        def __init__(self, ctx, entry):
            self.ctx, self.entry = ctx, entry

        def __enter__(self):
            return self.ctx.__enter__()

        def __exit__(self, *exc):
            try:
                handled = self.ctx.__exit__(*exc)
            except Exception as e:
                record(self.entry, "%s: %s" % (type(e).__name__, e))
                return True
            if not handled and exc[0] is not None:
                record(self.entry, "raised %s: %s" % (exc[0].__name__, exc[1]))
                return True
            return handled

    def tolerant(name):
        orig = getattr(unittest.TestCase, name)

        def wrapper(self, *args, **kwargs):
            entry = site(self._testMethodName)
            if entry is None:
                return orig(self, *args, **kwargs)
            try:
                result = orig(self, *args, **kwargs)
            except Exception as e:
                record(entry, "%s: %s" % (type(e).__name__, e))
                return None
            if name in ("assertRaises", "assertRaisesRegex") and result is not None:
                return Tolerated(result, entry)
            return result

        return wrapper

    asserts = {
        name: tolerant(name)
        for name in dir(unittest.TestCase)
        if name.startswith("assert") and callable(getattr(unittest.TestCase, name))
    }
    Tolerant = type("TestBufferProtocol", (tb.TestBufferProtocol,), asserts)

    summary = {
        "python": sys.version.split()[0],
        "memview": use_memview,
        "runs": [],
        "problems": [],
    }
    for seed in seeds:
        random.seed(seed)
        suite = unittest.defaultTestLoader.loadTestsFromTestCase(Tolerant)
        stream = io.StringIO()
        start = time.perf_counter()
        result = unittest.TextTestRunner(stream=stream, verbosity=2 if verbose else 0).run(suite)
        elapsed = time.perf_counter() - start
        summary["runs"].append(
            {
                "seed": seed,
                "tests": result.testsRun,
                "failures": len(result.failures),
                "errors": len(result.errors),
                "skipped": len(result.skipped),
                "seconds": round(elapsed, 2),
            }
        )
        for test, tb_text in result.failures + result.errors:
            summary["problems"].append("seed %d: %s\n%s" % (seed, test.id(), tb_text))
        for test, reason in result.skipped:
            summary["problems"].append("seed %d: %s skipped: %s" % (seed, test.id(), reason))
    summary["hits"] = {
        "%s:%d: %s" % key: "%d x, first: %s" % value for key, value in sorted(hits.items())
    }
    summary["unused"] = [
        "%s:%d: %s" % entry[:3] for entry in ALLOWED if entry[:3] not in hits
    ]
    summary["expected_tests"] = len(
        unittest.defaultTestLoader.getTestCaseNames(tb.TestBufferProtocol)
    )
    return summary


def run_python_buffer_protocol():
    """3.12+: `TestPythonBufferProtocol` (classes with `__buffer__`) with memoryview replaced.

    Reported, not required: CPython requires `__buffer__` to return a builtin memoryview.
    """
    tb = _load(True)
    cls = getattr(tb, "TestPythonBufferProtocol", None)
    if cls is None:
        return None
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(cls)
    result = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)
    return {
        "tests": result.testsRun,
        "failures": len(result.failures),
        "errors": len(result.errors),
        "problems": [
            "%s: %s" % (t.id(), text.strip().splitlines()[-1])
            for t, text in result.failures + result.errors
        ],
    }


if __name__ == "__main__":
    use = "--builtin" not in sys.argv
    print(run(use_memview=use))
