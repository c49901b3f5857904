;; cli_trap.wat — a trap two calls deep, for `wippy wasm call` output.
(module
  (func $inner (param $d i32) (result i32)
    (i32.div_s (i32.const 100) (local.get $d)))
  (func (export "outer") (param $d i32) (result i32)
    (i32.add (i32.const 1) (call $inner (local.get $d)))))
