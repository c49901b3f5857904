;; abi_noalloc.wat — takes a string but exports no allocator
;; (tests/test_abi.c).
(module
  (memory (export "memory") 1)
  (func (export "first") (param i32 i32) (result i32)
    (i32.load8_u (local.get 0))))
