"""A libFuzzer target of the flat-file log and the test of its seed corpus."""

def log_fuzzer(name, corpus, deps):
    """Declares NAME (the fuzzer), NAME_lib and NAME_corpus_test.

    NAME is built with clang and libFuzzer under --config=fuzz (tags: manual
    keeps it out of //... in other builds); NAME_corpus_test runs every file
    of testdata/CORPUS through the same LLVMFuzzerTestOneInput in every
    build.

    Args:
      name: the fuzzer; its source is NAME.cc.
      corpus: the seed corpus's directory under testdata/.
      deps: what NAME.cc uses.
    """
    native.cc_binary(
        name = name,
        testonly = True,
        tags = ["manual"],
        deps = [":" + name + "_lib"],
    )
    native.cc_library(
        name = name + "_lib",
        testonly = True,
        srcs = [name + ".cc"],
        deps = deps,
        alwayslink = True,
    )
    native.cc_test(
        name = name + "_corpus_test",
        size = "small",
        srcs = ["fuzz_corpus_test.cc"],
        args = ["persistence/testdata/" + corpus],
        data = native.glob(["testdata/" + corpus + "/*"]),
        deps = [
            ":" + name + "_lib",
            "@com_google_googletest//:gtest",
        ],
    )
