-- One rule name per record source, with a confidence between 0 and 1.
with

rules as (
    select * from {{ ref('identity_match_rules') }}
),

duplicates as (
    select
        rules.record_source,
        rules.matched_by,
        count(*) as rule_count
    from rules
    group by rules.record_source, rules.matched_by
    having count(*) > 1
),

out_of_range as (
    select
        rules.record_source,
        rules.matched_by,
        1 as rule_count
    from rules
    where rules.match_confidence < 0 or rules.match_confidence > 1
),

final as (
    select
        duplicates.record_source,
        duplicates.matched_by,
        duplicates.rule_count
    from duplicates

    union all

    select
        out_of_range.record_source,
        out_of_range.matched_by,
        out_of_range.rule_count
    from out_of_range
)

select * from final
