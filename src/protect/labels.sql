-- Quarter-wide labels (labels.ts), one dimension at a time. {{label}} is the dimension's label table,
-- {{column}} its fact column, {{scope_*}} the columns it is judged within (feature-usage's Value within
-- Product and Feature; empty for most dimensions). $k is the dataset's k, $other the label "Other".

-- name: fact_columns
DESCRIBE {{facts}}

-- name: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE {{values}} AS
  SELECT {{scope_select}}{{column}} AS _value{{ladder_levels}}, $other::VARCHAR AS {{other_level}},
         count(*) AS _combinations
  FROM (SELECT DISTINCT {{distinct_columns}} FROM {{facts}}) GROUP BY ALL

-- name: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE {{label}} AS
  SELECT {{scope_select}}{{column}} AS _value, {{column}} AS _label, 0 AS _level
  FROM {{facts}} TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE {{value_machines}} AS
  SELECT DISTINCT {{scope_select_f}}f.{{column}} AS _value, f.machine_id FROM {{facts}} f
  ANTI JOIN {{label}} t ON t._value = f.{{column}}{{scope_join_t_f}};
INSERT INTO {{label}}
  SELECT {{scope_select}}_value, _value, 0 FROM {{value_machines}} GROUP BY ALL HAVING count(*) >= $k;

-- name: ladder_level
-- Ladder level $level: the values still without a label climb together; a level label with k machines
-- (counted over the values that climbed to it) is theirs.
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM {{values}} v ANTI JOIN {{label}} t USING ({{scope_and_value}});
CREATE OR REPLACE TEMP TABLE passing AS
  SELECT {{scope_select_u}}u.{{level_column}} FROM unresolved u
  JOIN {{value_machines}} vm ON vm._value = u._value{{scope_join_u_vm}}
  GROUP BY ALL HAVING count(DISTINCT vm.machine_id) >= $k;
INSERT INTO {{label}}
  SELECT {{scope_select_u}}u._value, u.{{level_column}}, $level
  FROM unresolved u SEMI JOIN passing p USING ({{level_group}});
DROP TABLE unresolved; DROP TABLE passing;

-- name: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM {{values}} v ANTI JOIN {{label}} t USING ({{scope_and_value}});
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT {{level_group}} FROM unresolved;
INSERT INTO {{label}}
  SELECT {{scope_select_u}}u._value, u.{{level_column}}, $level
  FROM unresolved u SEMI JOIN passing p USING ({{level_group}});
DROP TABLE unresolved; DROP TABLE passing;

-- name: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM {{values}}

-- name: drop_work_tables
DROP TABLE {{values}}; DROP TABLE {{value_machines}};

-- name: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM {{label}} GROUP BY _level ORDER BY _level
