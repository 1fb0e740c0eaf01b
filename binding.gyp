{
  "targets": [
    {
      "target_name": "lifeline",
      "sources": ["native/addon.cc"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native/generated",
        "bpf"
      ],
      "libraries": ["-lbpf", "-lelf", "-lz"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wno-missing-field-initializers"],
      "cflags_cc!": ["-fno-exceptions"],
      "defines": ["NAPI_CPP_EXCEPTIONS", "NAPI_VERSION=8"]
    },
    {
      "target_name": "sqlite_pack",
      "type": "loadable_module",
      "sources": ["native/sqlite-pack.c"],
      "include_dirs": ["node_modules/better-sqlite3/deps/sqlite3"],
      "cflags": ["-O2", "-Wall"]
    }
  ]
}
