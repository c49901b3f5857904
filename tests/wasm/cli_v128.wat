;; cli_v128.wat — `wippy wasm call` with v128 arguments and results
;; (tests/test_cli.c): lane-wise add, and a lane read back as an i32.
(module
  (func (export "add") (param v128 v128) (result v128 i32)
    (i32x4.add (local.get 0) (local.get 1))
    (i32x4.extract_lane 3 (local.get 0))))
