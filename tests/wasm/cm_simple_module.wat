;; cm_simple_module.wat — wasmtime's host core module "simple-module"
;; (f -> 101, global g = 100), supplied by the host in
;; tests/test_cm_host_items.c.
(module
  (global (export "g") i32 (i32.const 100))
  (func (export "f") (result i32) (i32.const 101)))
