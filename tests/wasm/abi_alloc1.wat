;; abi_alloc1.wat — a one-parameter alloc(size) allocator and a memory
;; exported as "mem", not "memory" (tests/test_abi.c).
(module
  (memory (export "mem") 1)
  (global $heap (mut i32) (i32.const 2048))
  (func (export "alloc") (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $size)))
    (local.get $ptr))
  ;; first(s: string) -> u32: the first byte of s.
  (func (export "first") (param i32 i32) (result i32)
    (i32.load8_u (local.get 0))))
