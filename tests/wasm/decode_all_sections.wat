;; decode_all_sections.wat — a module using every section, for the decoder
;; tests (tests/test_decode.c): types, imports of all four kinds, functions
;; with locals, tables, globals, exports, start, element segments of
;; several forms, a data count, active and passive data, and (built with
;; --debug-names) a name section with module, function and local names.
(module $all
  (type $binop (func (param i32 i64) (result f32)))
  (type $void (func))
  (type $two (func (result i32 i64)))

  (import "env" "f" (func $imported (type $binop)))
  (import "env" "tab" (table $imp_tab 2 10 funcref))
  (import "env" "mem" (memory $imp_mem 1 2))
  (import "env" "g" (global $imp_g (mut i32)))

  (func $add (type $binop) (param $a i32) (param $b i64) (result f32)
    (local $x f64) (local $y f64) (local i32)
    f32.const 1.5)
  (func $init (type $void))
  (func $pair (type $two) (i32.const 7) (i64.const -7))
  (func $drop (data.drop 1))

  (table $refs 3 externref)
  (table $funcs 4 8 funcref)

  (global $answer i32 (i32.const 42))
  (global $counter (mut i64) (i64.const -1))
  (global $fn funcref (ref.func $add))

  (export "add" (func $add))
  (export "memory" (memory $imp_mem))
  (export "answer" (global $answer))
  (export "refs" (table $refs))

  (start $init)

  (elem (i32.const 0) $add $pair)                          ;; form 0: active, table 0
  (elem func $add $init)                                   ;; form 1: passive
  (elem (table $funcs) (i32.const 1) func $pair)           ;; form 2: active, table index
  (elem declare func $init)                                ;; form 3: declarative
  (elem funcref (ref.func $add) (ref.null func))           ;; form 5: passive, expressions
  (elem (table $refs) (i32.const 0) externref (ref.null extern)) ;; form 6

  (data (i32.const 16) "hello")
  (data "passive bytes"))
