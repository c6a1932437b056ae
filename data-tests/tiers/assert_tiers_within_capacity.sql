{#- No tier holds more accounts than its capacity (var tiers_capacity; per
    cluster for the tiers in var tiers_capacity_per_cluster) on any as-of date,
    unless sales overrides alone fill it (overrides always win; then the rules
    must have added nobody). Returns the offending tier, scope and counts. -#}
{%- set capacity = var('tiers_capacity') -%}
{%- set per_cluster = var('tiers_capacity_per_cluster') -%}
with

tiers as (
    select * from {{ ref('account_tiers') }}
),

counted as (
    select
        tiers.as_of_date,
        tiers.tier,
        case
            {%- for tier in per_cluster %}
                when tiers.tier = '{{ tier }}' then tiers.cluster_key
            {%- endfor %}
            else 'all'
        end as scope_key,
        count(*) as account_count,
        sum(case when tiers.is_override then 0 else 1 end) as rule_accounts
    from tiers
    where tiers.tier != 'not_target'
    group by 1, 2, 3
),

final as (
    select
        counted.as_of_date,
        counted.tier,
        counted.scope_key,
        counted.account_count,
        counted.rule_accounts,
        case counted.tier
            {%- for tier, cap in capacity.items() %}
                when '{{ tier }}' then {{ cap }}
            {%- endfor %}
        end as capacity
    from counted
)

select * from final
where account_count > capacity and rule_accounts > 0
