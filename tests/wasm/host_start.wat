;; host_start.wat — the order of a process's first calls: the start
;; function (which loops long enough to need several fuel slices), then
;; _initialize, then the method; get() returns 123 only in that order.
(module
  (global $g (mut i32) (i32.const 0))
  (func $start
    (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 5000))))
    (global.set $g (i32.const 1)))
  (start $start)
  (func (export "_initialize")
    (global.set $g (i32.add (i32.mul (global.get $g) (i32.const 10)) (i32.const 2))))
  (func (export "get") (result i32)
    (i32.add (i32.mul (global.get $g) (i32.const 10)) (i32.const 3))))
