"""Declares gogocache's external repositories from Debian's system packages.

gogocache builds offline with Debian's Bazel 4 (`bazel-bootstrap`). Every
dependency is a system library exposed under the repository name and label
layout its upstream project uses with Bazel, so a user who builds one from
source swaps it in with `--override_repository=NAME=/path` and edits no
gogocache BUILD file:

    @com_google_absl//absl/...           libabsl-dev (one target per component)
    @com_github_facebook_rocksdb//:rocksdb
    @com_google_googletest//:gtest, :gtest_main   (GoogleMock included)
    @com_github_google_benchmark//:benchmark, :benchmark_main
    @com_github_cyan4973_xxhash//:xxhash
    @zlib//:zlib
    @com_github_intel_isa_l//:isal       libisal-dev (the log's CRC-32)
    @org_tukaani_xz//:lzma               liblzma-dev (xz-compressed traces)
    @com_google_protobuf//:protobuf, :protoc      libprotobuf-dev, protobuf-compiler
    @com_github_grpc_grpc//:grpc++, //src/compiler:grpc_cpp_plugin
                                         libgrpc++-dev, protobuf-compiler-grpc

A workspace that depends on gogocache calls `gogocache_dependencies()` after
declaring `@gogocache` (see examples/consumer/WORKSPACE).
"""

# Upstream Abseil's Bazel package and target for each pkg-config component
# Debian ships. Only public targets are listed; internal ones are reached
# through the link flags pkg-config resolves for these.
_ABSL_TARGETS = [
    # (package under absl/, Bazel target name, pkg-config module)
    ("algorithm", "algorithm", "absl_algorithm"),
    ("algorithm", "container", "absl_algorithm_container"),
    ("base", "base", "absl_base"),
    ("base", "config", "absl_config"),
    ("base", "core_headers", "absl_core_headers"),
    ("base", "dynamic_annotations", "absl_dynamic_annotations"),
    ("base", "endian", "absl_endian"),
    ("base", "log_severity", "absl_log_severity"),
    ("base", "prefetch", "absl_prefetch"),
    ("cleanup", "cleanup", "absl_cleanup"),
    ("container", "btree", "absl_btree"),
    ("container", "fixed_array", "absl_fixed_array"),
    ("container", "flat_hash_map", "absl_flat_hash_map"),
    ("container", "flat_hash_set", "absl_flat_hash_set"),
    ("container", "inlined_vector", "absl_inlined_vector"),
    ("container", "layout", "absl_layout"),
    ("container", "node_hash_map", "absl_node_hash_map"),
    ("container", "node_hash_set", "absl_node_hash_set"),
    ("debugging", "failure_signal_handler", "absl_failure_signal_handler"),
    ("debugging", "leak_check", "absl_leak_check"),
    ("debugging", "stacktrace", "absl_stacktrace"),
    ("debugging", "symbolize", "absl_symbolize"),
    ("flags", "commandlineflag", "absl_flags_commandlineflag"),
    ("flags", "config", "absl_flags_config"),
    ("flags", "flag", "absl_flags"),
    ("flags", "marshalling", "absl_flags_marshalling"),
    ("flags", "parse", "absl_flags_parse"),
    ("flags", "reflection", "absl_flags_reflection"),
    ("flags", "usage", "absl_flags_usage"),
    ("functional", "any_invocable", "absl_any_invocable"),
    ("functional", "bind_front", "absl_bind_front"),
    ("functional", "function_ref", "absl_function_ref"),
    ("hash", "hash", "absl_hash"),
    ("memory", "memory", "absl_memory"),
    ("meta", "type_traits", "absl_type_traits"),
    ("numeric", "bits", "absl_bits"),
    ("numeric", "int128", "absl_int128"),
    ("numeric", "representation", "absl_numeric_representation"),
    ("random", "bit_gen_ref", "absl_random_bit_gen_ref"),
    ("random", "distributions", "absl_random_distributions"),
    ("random", "random", "absl_random_random"),
    ("random", "seed_gen_exception", "absl_random_seed_gen_exception"),
    ("random", "seed_sequences", "absl_random_seed_sequences"),
    ("status", "status", "absl_status"),
    ("status", "statusor", "absl_statusor"),
    ("strings", "cord", "absl_cord"),
    ("strings", "str_format", "absl_str_format"),
    ("strings", "strings", "absl_strings"),
    ("synchronization", "synchronization", "absl_synchronization"),
    ("time", "time", "absl_time"),
    ("types", "any", "absl_any"),
    ("types", "bad_any_cast", "absl_bad_any_cast"),
    ("types", "bad_optional_access", "absl_bad_optional_access"),
    ("types", "bad_variant_access", "absl_bad_variant_access"),
    ("types", "compare", "absl_compare"),
    ("types", "optional", "absl_optional"),
    ("types", "span", "absl_span"),
    ("types", "variant", "absl_variant"),
    ("utility", "utility", "absl_utility"),
]

_INSTALL_HINT = ("is not installed: run ./bazelw from the gogocache checkout " +
                 "(it installs the Debian packages gogocache needs) or " +
                 "`apt-get install %s`")

def _require_file(ctx, path, package):
    if not ctx.path(path).exists:
        fail("%s %s" % (path, _INSTALL_HINT % package))

def _system_library_impl(ctx):
    _require_file(ctx, ctx.attr.header, ctx.attr.debian_package)
    ctx.file("WORKSPACE", 'workspace(name = "%s")\n' % ctx.name)
    ctx.symlink(ctx.attr.build_file, "BUILD.bazel")

_system_library = repository_rule(
    implementation = _system_library_impl,
    doc = "A repository whose BUILD file links a library installed by Debian.",
    attrs = {
        "build_file": attr.label(mandatory = True, allow_single_file = True),
        "debian_package": attr.string(mandatory = True),
        "header": attr.string(mandatory = True),
    },
    local = True,
)

def _pkg_config_libs(ctx, module):
    result = ctx.execute(["pkg-config", "--libs", module])
    if result.return_code != 0:
        fail("pkg-config --libs %s failed: %s" % (module, result.stderr))
    return [flag for flag in result.stdout.strip().split(" ") if flag]

def _system_absl_impl(ctx):
    _require_file(ctx, "/usr/include/absl/base/config.h", "libabsl-dev")
    if not ctx.which("pkg-config"):
        fail("pkg-config " + _INSTALL_HINT % "pkgconf")
    ctx.file("WORKSPACE", 'workspace(name = "%s")\n' % ctx.name)
    ctx.file("BUILD.bazel", "")
    packages = {}
    for package, target, module in _ABSL_TARGETS:
        rule = "cc_library(\n    name = %r,\n    linkopts = %r,\n)\n" % (
            target,
            _pkg_config_libs(ctx, module),
        )
        packages.setdefault(package, []).append(rule)
    for package, rules in packages.items():
        ctx.file(
            "absl/%s/BUILD.bazel" % package,
            ("# Generated from libabsl-dev's pkg-config files.\n" +
             'package(default_visibility = ["//visibility:public"])\n\n' +
             "\n".join(rules)),
        )

_system_absl = repository_rule(
    implementation = _system_absl_impl,
    doc = "Abseil from libabsl-dev, one target per upstream Bazel target.",
    local = True,
)

# Bazel 4.2.3's @bazel_tools loads @rules_cc//cc:defs.bzl; Debian's rules_cc
# is too new for it, so this shim hands back Bazel's native C++ rules.
_RULES_CC_DEFS = """\"\"\"Bazel's native C++ rules under the names rules_cc exports.\"\"\"

cc_binary = native.cc_binary
cc_import = native.cc_import
cc_library = native.cc_library
cc_proto_library = native.cc_proto_library
cc_test = native.cc_test
cc_toolchain = native.cc_toolchain
cc_toolchain_suite = native.cc_toolchain_suite
fdo_prefetch_hints = native.fdo_prefetch_hints
fdo_profile = native.fdo_profile
objc_import = native.objc_import
objc_library = native.objc_library
"""

def _rules_cc_shim_impl(ctx):
    ctx.file("WORKSPACE", 'workspace(name = "rules_cc")\n')
    ctx.file("BUILD.bazel", "")
    ctx.file("cc/BUILD.bazel", "")
    ctx.file("cc/defs.bzl", _RULES_CC_DEFS)

_rules_cc_shim = repository_rule(implementation = _rules_cc_shim_impl)

# Every cc_test's analysis asks for these two targets; coverage is not
# collected offline, so empty filegroups satisfy it.
def _remote_coverage_tools_impl(ctx):
    ctx.file("WORKSPACE", 'workspace(name = "remote_coverage_tools")\n')
    ctx.file("BUILD.bazel", """package(default_visibility = ["//visibility:public"])

filegroup(name = "coverage_report_generator")

filegroup(name = "lcov_merger")
""")

_remote_coverage_tools = repository_rule(implementation = _remote_coverage_tools_impl)

def _system_protobuf_impl(ctx):
    _require_file(ctx, "/usr/include/google/protobuf/message.h", "libprotobuf-dev")
    _require_file(ctx, "/usr/bin/protoc", "protobuf-compiler")
    ctx.file("WORKSPACE", 'workspace(name = "%s")\n' % ctx.name)
    ctx.symlink("/usr/bin/protoc", "protoc")
    ctx.file("BUILD.bazel", """# Protocol Buffers from Debian (generated by gogocache's repositories.bzl).
package(default_visibility = ["//visibility:public"])

# The system compiler, run by genrules that compile .proto files.
exports_files(["protoc"])

cc_library(
    name = "protobuf",
    linkopts = %r,
)
""" % _pkg_config_libs(ctx, "protobuf"))

_system_protobuf = repository_rule(
    implementation = _system_protobuf_impl,
    doc = "Protocol Buffers' runtime and compiler from Debian's packages.",
    local = True,
)

def _system_grpc_impl(ctx):
    _require_file(ctx, "/usr/include/grpcpp/grpcpp.h", "libgrpc++-dev")
    _require_file(ctx, "/usr/bin/grpc_cpp_plugin", "protobuf-compiler-grpc")
    ctx.file("WORKSPACE", 'workspace(name = "%s")\n' % ctx.name)
    ctx.symlink("/usr/bin/grpc_cpp_plugin", "src/compiler/grpc_cpp_plugin")
    ctx.file("src/compiler/BUILD.bazel", """# protoc's gRPC C++ plugin from Debian.
exports_files(
    ["grpc_cpp_plugin"],
    visibility = ["//visibility:public"],
)
""")

    # grpc++.pc does not name protobuf, which the generated code needs.
    ctx.file("BUILD.bazel", """# gRPC C++ from Debian (generated by gogocache's repositories.bzl).
package(default_visibility = ["//visibility:public"])

cc_library(
    name = "grpc++",
    linkopts = %r,
    deps = ["@com_google_protobuf//:protobuf"],
)
""" % _pkg_config_libs(ctx, "grpc++"))

_system_grpc = repository_rule(
    implementation = _system_grpc_impl,
    doc = "gRPC C++ and its protoc plugin from Debian's packages.",
    local = True,
)

def gogocache_dependencies():
    """Declares every repository gogocache needs, all from local files."""
    native.local_repository(
        name = "rules_java",
        path = "/usr/share/bazel/rules/java",
    )
    _rules_cc_shim(name = "rules_cc")
    _remote_coverage_tools(name = "remote_coverage_tools")
    _system_absl(name = "com_google_absl")
    _system_library(
        name = "com_github_facebook_rocksdb",
        build_file = Label("//third_party:rocksdb.BUILD"),
        debian_package = "librocksdb-dev",
        header = "/usr/include/rocksdb/db.h",
    )
    _system_library(
        name = "org_tukaani_xz",
        build_file = Label("//third_party:xz.BUILD"),
        debian_package = "liblzma-dev",
        header = "/usr/include/lzma.h",
    )
    _system_library(
        name = "com_google_googletest",
        build_file = Label("//third_party:googletest.BUILD"),
        debian_package = "libgtest-dev libgmock-dev",
        header = "/usr/include/gmock/gmock.h",
    )
    _system_library(
        name = "com_github_google_benchmark",
        build_file = Label("//third_party:benchmark.BUILD"),
        debian_package = "libbenchmark-dev",
        header = "/usr/include/benchmark/benchmark.h",
    )
    _system_library(
        name = "com_github_cyan4973_xxhash",
        build_file = Label("//third_party:xxhash.BUILD"),
        debian_package = "libxxhash-dev",
        header = "/usr/include/xxhash.h",
    )
    _system_protobuf(name = "com_google_protobuf")
    _system_grpc(name = "com_github_grpc_grpc")
    _system_library(
        name = "com_github_intel_isa_l",
        build_file = Label("//third_party:isal.BUILD"),
        debian_package = "libisal-dev",
        header = "/usr/include/isa-l/crc.h",
    )
    _system_library(
        name = "zlib",
        build_file = Label("//third_party:zlib.BUILD"),
        debian_package = "zlib1g-dev",
        header = "/usr/include/zlib.h",
    )
