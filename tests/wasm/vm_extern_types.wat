;; vm_extern_types.wat — imports and exports of every kind, for
;; vm_module_import_type / vm_module_export_type (tests/test_vm.c).
(module
  (import "env" "f" (func (param i32)))
  (import "env" "t" (table 2 7 funcref))
  (import "env" "m" (memory 1 4))
  (import "env" "g" (global (mut i64)))
  (table $own 3 externref)
  (global $k f32 (f32.const 1.5))
  (func $h)
  (export "h" (func $h))
  (export "own" (table $own))
  (export "mem" (memory 0))
  (export "k" (global $k))
  (export "t2" (table 0)))
