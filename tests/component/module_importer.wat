;; module_importer.wat — imports "provider", an instance with a core module
;; and a nested instance holding it, instantiates both modules and
;; returns f() of each plus g (tests/test_cm_host_items.c).
(component
  (import "provider" (instance $p
    (export "simple-module" (core module (export "f" (func (result i32)))))
    (export "inner" (instance
      (export "simple-module" (core module (export "g" (global i32))))))))
  (alias export $p "inner" (instance $inner))
  (core instance $a (instantiate (module $p "simple-module")))
  (core instance $b (instantiate (module $inner "simple-module")))
  (core module $m
    (import "a" "f" (func $f (result i32)))
    (import "b" "g" (global $g i32))
    (func (export "run") (result i32)
      call $f
      global.get $g
      i32.add))
  (core instance $mi (instantiate $m
    (with "a" (instance $a))
    (with "b" (instance $b))))
  (func (export "run") (result u32) (canon lift (core func $mi "run"))))
