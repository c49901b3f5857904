;; start.wat — a start function that sets an exported global.
(module
  (global $g (export "g") (mut i32) (i32.const 0))
  (func $init (global.set $g (i32.const 7)))
  (start $init))
