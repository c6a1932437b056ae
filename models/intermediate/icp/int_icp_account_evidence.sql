{#- One row per cutoff and scoped account: how much its score rests on.
    data_completeness = share of the scored attributes (seed icp_attributes) the
    account has a value for; supported_share = share of those known values whose
    bucket had var icp_min_support training accounts or more; evidence_level is
    strong when both reach var icp_evidence_strong_min, thin when either is
    below var icp_evidence_thin_below, else moderate. missing_labels lists the
    scored attributes not known, lower-case labels in attribute order. -#}
{%- set strong_min = var('icp_evidence_strong_min') -%}
{%- set thin_below = var('icp_evidence_thin_below') -%}
with

scoped_accounts as (
    select * from {{ ref('int_icp_scoped_accounts') }}
),

contributions as (
    select * from {{ ref('int_icp_account_contributions') }}
),

scored_attributes as (
    select
        attribute_name,
        label
    from {{ ref('icp_attributes') }}
    where is_scored
),

known_attributes as (
    select
        cutoff_name,
        account_id,
        attribute_name,
        max(case when is_scored then 1 else 0 end) as is_scored,
        max(case when is_scored and is_supported then 1 else 0 end) as is_supported
    from contributions
    group by
        cutoff_name,
        account_id,
        attribute_name
),

account_counts as (
    select
        cutoff_name,
        account_id,
        sum(is_scored) as known_attributes,
        sum(is_supported) as supported_attributes
    from known_attributes
    group by
        cutoff_name,
        account_id
),

missing_attributes as (
    select
        scoped_accounts.cutoff_name,
        scoped_accounts.account_id,
        {{ dbt.listagg(
            'lower(scored_attributes.label)', "', '", 'order by scored_attributes.attribute_name'
        ) }} as missing_labels
    from scoped_accounts
    cross join scored_attributes
    left join known_attributes
        on
            scoped_accounts.cutoff_name = known_attributes.cutoff_name
            and scoped_accounts.account_id = known_attributes.account_id
            and scored_attributes.attribute_name = known_attributes.attribute_name
    where known_attributes.attribute_name is null
    group by
        scoped_accounts.cutoff_name,
        scoped_accounts.account_id
),

counted as (
    select
        scoped_accounts.cutoff_name,
        scoped_accounts.account_id,
        coalesce(account_counts.known_attributes, 0) as known_attributes,
        coalesce(account_counts.supported_attributes, 0) as supported_attributes,
        (select count(*) from scored_attributes) as scored_attribute_count,
        missing_attributes.missing_labels
    from scoped_accounts
    left join account_counts
        on
            scoped_accounts.cutoff_name = account_counts.cutoff_name
            and scoped_accounts.account_id = account_counts.account_id
    left join missing_attributes
        on
            scoped_accounts.cutoff_name = missing_attributes.cutoff_name
            and scoped_accounts.account_id = missing_attributes.account_id
),

shares as (
    select
        cutoff_name,
        account_id,
        known_attributes,
        supported_attributes,
        scored_attribute_count,
        missing_labels,
        case
            when scored_attribute_count > 0
                then 1.0 * known_attributes / scored_attribute_count
            else 0
        end as data_completeness,
        case
            when known_attributes > 0
                then 1.0 * supported_attributes / known_attributes
            else 0
        end as supported_share
    from counted
),

final as (
    select
        cutoff_name,
        account_id,
        cast(known_attributes as {{ dbt.type_int() }}) as known_attributes,
        cast(supported_attributes as {{ dbt.type_int() }}) as supported_attributes,
        cast(scored_attribute_count as {{ dbt.type_int() }}) as scored_attribute_count,
        cast(data_completeness as {{ type_double() }}) as data_completeness,
        cast(supported_share as {{ type_double() }}) as supported_share,
        case
            when data_completeness >= {{ strong_min }} and supported_share >= {{ strong_min }} then 'strong'
            when data_completeness < {{ thin_below }} or supported_share < {{ thin_below }} then 'thin'
            else 'moderate'
        end as evidence_level,
        cast(missing_labels as {{ dbt.type_string() }}) as missing_labels
    from shares
)

select * from final
